#!/usr/bin/env bash
# Drift and lint checks for what users read: every command and option that jailed's --help
# prints is offered by each completion file and documented in jailed(1); every .jailed key and
# built-in preset is in jailed(5); the man pages lint clean; the shell files pass their own
# shell's syntax check and shellcheck; `jailed help CMD` is `jailed CMD --help`; the exit codes
# in jailed(1) are those of src/util/error.hpp; every JAILED_ variable is in jailed(1) and the
# default base packages of src/resolve/nix_spec.cpp are in jailed(5).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
require_tools docs mandoc bash zsh fish shellcheck
ROOT=$(cd "$here/../.." && pwd)
BASH_COMP="$ROOT/completions/jailed.bash"
ZSH_COMP="$ROOT/completions/_jailed"
FISH_COMP="$ROOT/completions/jailed.fish"
MAN1="$ROOT/man/jailed.1"
MAN5="$ROOT/man/jailed.5"
new_world

# words TEXT: the words of TEXT, sorted and space separated (for comparing sets).
words() { tr -s ' \t\n' '\n' <<< "$1" | sed '/^$/d' | sort -u | tr '\n' ' '; }

# rendered PAGE: the page as plain text (no overstrike), its whitespace runs squeezed to one space.
rendered() { mandoc -T ascii "$1" | sed 's/.\x08//g' | tr -s ' \t\n' ' '; }

# section PAGE NAME: the plain-text lines of one section of PAGE.
section() {
  mandoc -T ascii "$1" | sed 's/.\x08//g' | awk -v name="$2" '/^[A-Z]/ { inside = ($0 == name); next } inside'
}

# help_options TEXT: the long options a --help text lists.
help_options() { sed -n 's/^ \{1,\}\(-[a-z] \[ \)\{0,1\}\(--[a-z][a-z-]*\).*/\2/p' <<< "$1"; }

# help_tagged TEXT: "OPTION WORD" for each option whose help starts with "WORD: ", as the
# options of one action do ("--json  list: print JSON").
help_tagged() {
  sed -n 's/^ \{1,\}\(-[a-z] \[ \)\{0,1\}\(--[a-z][a-z-]*\)\( \]\)\{0,1\}\( arg\)\{0,1\} \{2,\}\([a-z][a-z-]*\): .*/\2 \5/p' <<< "$1"
}

# usage_actions USAGE: the first word of each alternative of a usage with actions
# ("jailed cache list [--json] | gc [--older-than DURATION] | clear"), or nothing.
usage_actions() {
  case $1 in
    *' | '*) sed 's/^jailed [a-z-]* //; s/ | /\n/g' <<< "$1" | sed 's/ .*//' ;;
  esac
}

# bash_offers WORD...: what completions/jailed.bash offers for the command line WORD... (the
# last word is the one being completed), one per line.
bash_offers() {
  bash --norc -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _jailed; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$BASH_COMP" "$@"
}

# fish_offers LINE: what completions/jailed.fish offers for the command line LINE, one per line.
fish_offers() {
  # shellcheck disable=SC2016  # fish expands it
  fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$FISH_COMP" "$1" | cut -f1
}

# zsh_branch COMMAND: the text of the case branch of completions/_jailed that handles COMMAND.
zsh_branch() {
  awk -v cmd="$1" '
    match($0, /^[[:space:]]*\([a-z|_-]+\)[[:space:]]*$/) {
      pattern = $0
      gsub(/[[:space:]()]/, "", pattern)
      n = split(pattern, names, "|")
      inside = 0
      for (i = 1; i <= n; i++) if (names[i] == cmd) inside = 1
      next
    }
    inside { print }
    /;;/ { inside = 0 }
  ' "$ZSH_COMP"
}

# --- the command line as jailed itself describes it ---------------------------------------------

main_help=$("$JAILED" --help)
COMMANDS=$(sed -n '/^commands:/,/^$/ s/^  \([a-z][a-z-]*\) .*/\1/p' <<< "$main_help")
TOP_OPTIONS=$(help_options "$(sed -n '/^options:/,/^$/p' <<< "$main_help")")
if [ "$(words "$COMMANDS")" == "" ] || [ "$(words "$TOP_OPTIONS")" == "" ]; then
  fail "docs: jailed --help lists commands and options" "could not read them from: ${main_help:0:400}"
  exit 0
fi
expect_eq "docs: __complete commands = the commands of jailed --help" "$(words "$COMMANDS")" \
  "$(words "$("$JAILED" __complete commands)")"
expect_not_contains "docs: jailed --help does not show the hidden helper" "__complete" "$main_help"

# ACTIONS[CMD]: the actions of a command (jailed cache list|gc|clear), one per line;
# ACTION["CMD OPTION"]: the action an option belongs to (jailed cache gc --older-than).
declare -A OPTIONS USAGE ACTIONS ACTION
for cmd in $COMMANDS; do
  text=$("$JAILED" "$cmd" --help 2>&1)
  OPTIONS[$cmd]=$(help_options "$text")
  USAGE[$cmd]=$(sed -n '1s/^usage: //p' <<< "$text")
  ACTIONS[$cmd]=$(usage_actions "${USAGE[$cmd]}")
  while read -r option action; do
    grep -qxF -- "$action" <<< "${ACTIONS[$cmd]}" && ACTION["$cmd $option"]=$action
  done < <(help_tagged "$text")
  expect_eq "docs: __complete options $cmd = the options of jailed $cmd --help" "$(words "${OPTIONS[$cmd]}")" \
    "$(words "$("$JAILED" __complete options "$cmd")")"
  # The same text, and the same status, whichever way help is asked for.
  help_text=$("$JAILED" help "$cmd" 2>&1)
  help_rc=$?
  "$JAILED" "$cmd" --help > /dev/null 2>&1
  expect_eq "docs: jailed help $cmd = jailed $cmd --help" "$text" "$help_text"
  expect_eq "docs: jailed help $cmd exits as jailed $cmd --help does" "$?" "$help_rc"
done

# --- completion files offer every command and option --------------------------------------------

expect_eq "docs: bash completion offers exactly the commands" "$(words "$COMMANDS")" "$(words "$(bash_offers jailed '')")"
expect_eq "docs: fish completion offers exactly the commands" "$(words "$COMMANDS")" "$(words "$(fish_offers 'jailed ')")"
zsh_listed=$(sed -n "/^_jailed_commands()/,/^}/ s/^ *['\"]\([a-z][a-z-]*\):.*/\1/p" "$ZSH_COMP")
expect_eq "docs: zsh completion lists exactly the commands" "$(words "$COMMANDS")" "$(words "$zsh_listed")"

missing_bash='' missing_fish='' missing_zsh=''
for option in $TOP_OPTIONS; do
  bash_offers jailed -- | grep -qxF -- "$option" || missing_bash+=" jailed $option;"
  fish_offers 'jailed -' | grep -qxF -- "$option" || missing_fish+=" jailed $option;"
  grep -qF -- "$option" "$ZSH_COMP" || missing_zsh+=" jailed $option;"
done
misplaced=''
for cmd in $COMMANDS; do
  bash_list=$(bash_offers jailed "$cmd" --)
  fish_list=$(fish_offers "jailed $cmd -")
  zsh_text=$(zsh_branch "$cmd")
  [ -n "$zsh_text" ] || missing_zsh+=" no case branch for $cmd;"
  for option in ${OPTIONS[$cmd]}; do
    grep -qF -- "$option" <<< "$zsh_text" || missing_zsh+=" $cmd $option;"
    action=${ACTION["$cmd $option"]:-}
    if [ -z "$action" ]; then
      grep -qxF -- "$option" <<< "$bash_list" || missing_bash+=" $cmd $option;"
      grep -qxF -- "$option" <<< "$fish_list" || missing_fish+=" $cmd $option;"
      continue
    fi
    # An action's option is offered after that action, and not before it (jailed would
    # take it for the action).
    bash_offers jailed "$cmd" "$action" -- | grep -qxF -- "$option" || missing_bash+=" $cmd $action $option;"
    fish_offers "jailed $cmd $action -" | grep -qxF -- "$option" || missing_fish+=" $cmd $action $option;"
    grep -qxF -- "$option" <<< "$bash_list" && misplaced+=" bash: $cmd $option;"
    grep -qxF -- "$option" <<< "$fish_list" && misplaced+=" fish: $cmd $option;"
  done
  # The actions of a command (jailed cache list|gc|clear), as its usage names them.
  if [ -n "${ACTIONS[$cmd]}" ]; then
    expect_eq "docs: bash completion offers exactly the actions of $cmd" "$(words "${ACTIONS[$cmd]}")" \
      "$(words "$(bash_offers jailed "$cmd" '')")"
    expect_eq "docs: fish completion offers exactly the actions of $cmd" "$(words "${ACTIONS[$cmd]}")" \
      "$(words "$(fish_offers "jailed $cmd ")")"
    zsh_actions=$(sed -n "/^_jailed_${cmd}_actions()/,/^}/ s/^ *['\"]\([a-z][a-z-]*\):.*/\1/p" "$ZSH_COMP")
    expect_eq "docs: zsh completion lists exactly the actions of $cmd" "$(words "${ACTIONS[$cmd]}")" "$(words "$zsh_actions")"
  fi
done
expect_eq "docs: bash completion offers every option of every command" "" "$missing_bash"
expect_eq "docs: fish completion offers every option of every command" "" "$missing_fish"
expect_eq "docs: zsh completion handles every option of every command" "" "$missing_zsh"
expect_eq "docs: completions offer an action's options only after it" "" "$misplaced"

# --- jailed(1) ----------------------------------------------------------------------------------

man1=$(rendered "$MAN1")
synopsis=$(section "$MAN1" SYNOPSIS | tr -s ' \t\n' ' ')
missing=''
for cmd in $COMMANDS; do
  grep -qF -- " ${USAGE[$cmd]} " <<< " $synopsis " || missing+=" synopsis [${USAGE[$cmd]}];"
  grep -qF -- "jailed $cmd" <<< "$(section "$MAN1" COMMANDS)" || missing+=" command $cmd;"
  for option in ${OPTIONS[$cmd]}; do
    grep -qF -- "$option" <<< "$man1" || missing+=" $cmd $option;"
  done
done
for option in $TOP_OPTIONS; do
  grep -qF -- "$option" <<< "$man1" || missing+=" $option;"
done
expect_eq "docs: jailed(1) has every command's usage, the command and its options" "" "$missing"

# EXIT STATUS lists exactly the values of ExitCode.
enum_codes=$(awk '/enum class ExitCode/ { inside = 1 } inside && /};/ { inside = 0 } inside' "$ROOT/src/util/error.hpp" |
  sed -n 's/^ *[a-z_]* = \([0-9]*\),.*/\1/p')
man_codes=$(section "$MAN1" "EXIT STATUS" | sed -n 's/^ \{1,\}\([0-9]\{1,\}\) .*/\1/p')
if [ -z "$(words "$enum_codes")" ]; then
  fail "docs: exit codes of jailed(1) are those of error.hpp" "no ExitCode values found in src/util/error.hpp"
else
  expect_eq "docs: exit codes of jailed(1) are those of error.hpp" "$(words "$enum_codes")" "$(words "$man_codes")"
fi

# Every JAILED_* variable the code reads, sets or the hooks use is described.
variables=$(grep -ohE '\bJAILED_[A-Z][A-Z_]*' -r "$ROOT/src" "$ROOT/shell" | sort -u)
missing=''
for variable in $variables; do
  grep -qF -- "$variable" <<< "$man1" || missing+=" $variable;"
done
if [ -z "$variables" ]; then
  fail "docs: jailed(1) describes every JAILED_ variable" "no JAILED_ variables found in src/ and shell/"
else
  expect_eq "docs: jailed(1) describes every JAILED_ variable" "" "$missing"
fi

# --- jailed(5) ----------------------------------------------------------------------------------

keys=$("$JAILED" __complete keys)
keys_section=$(section "$MAN5" KEYS)
missing=''
for key in $keys; do
  # Each key is the tag of its own paragraph: "KEY = VALUE".
  grep -qE -- "^ {1,}$key = " <<< "$keys_section" || missing+=" $key;"
done
if [ "$(wc -w <<< "$keys")" -lt 10 ]; then
  fail "docs: jailed(5) documents every key" "jailed __complete keys printed only [$keys]"
else
  expect_eq "docs: jailed(5) documents every key" "" "$missing"
fi
documented=$(sed -n 's/^ \{1,\}\([a-z][a-z-]*\) = .*/\1/p' <<< "$keys_section")
expect_eq "docs: jailed(5) documents no key jailed does not know" "$(words "$keys")" "$(words "$documented")"

# Each built-in preset with its command, config paths and variables.
presets=$(section "$MAN5" PRESETS | tr -s ' \t\n' ' ')
missing=''
for file in "$ROOT"/src/config/presets/*.jailed; do
  name=$(basename "$file" .jailed)
  grep -qF -- " $name " <<< "$presets" || missing+=" preset $name;"
  # shellcheck disable=SC2013  # the values are words: paths and variable names
  for value in $(sed -n 's/^ *\(package\|command\|config\|env\) *= *//p' "$file"); do
    grep -qF -- "$value" <<< "$presets" || missing+=" $name: $value;"
  done
done
expect_eq "docs: jailed(5) describes each built-in preset as it is" "" "$missing"

# The common packages of a Nix jail, as src/resolve/nix_spec.cpp lists them.
code_base=$(awk '/default_base_packages\(\) \{/ { inside = 1 } inside && /^}/ { inside = 0 } inside' \
  "$ROOT/src/resolve/nix_spec.cpp" | grep -oE '"nixpkgs#[^"]+"' | tr -d '"')
man_base=$(section "$MAN5" KEYS | awk '/^ +base-packages = / { inside = 1; next } /^ +[a-z-]+ = / { inside = 0 } inside' |
  grep -oE 'nixpkgs#[A-Za-z0-9_+-]+')
if [ -z "$code_base" ]; then
  fail "docs: jailed(5) lists the default base packages" "none found in src/resolve/nix_spec.cpp"
else
  expect_eq "docs: jailed(5) lists the default base packages" "$(words "$code_base")" "$(words "$man_base")"
fi

# Every example of a .jailed in jailed(5) is a file jailed accepts.
examples="$WORLD/examples"
mkdir -p "$examples"
awk -v dir="$examples" '
  /^\.EX/ { n++; inside = 1; next }
  /^\.EE/ { inside = 0; next }
  inside { gsub(/\\-/, "-"); gsub(/\\e/, "\\"); print > (dir "/" n) }
' "$MAN5"
# allow also resolves Nix agents, and the examples' flakes cannot be fetched offline. With no
# nix on PATH it checks the file and resolves nothing (agents that need Nix only get a warning),
# so this tests the file format, not the network. jailed itself needs nothing from PATH here.
no_nix="$WORLD/no-nix-bin"
mkdir -p "$no_nix"
count=0
for example in "$examples"/*; do
  grep -q '^\[' "$example" || continue
  count=$((count + 1))
  project="$WORLD/example$count"
  write_jailed "$project" "$(cat "$example")"
  check "docs: jailed(5) example $count is accepted by jailed allow" env PATH="$no_nix" "$JAILED" allow "$project"
done
[ "$count" -ge 3 ] || fail "docs: jailed(5) has examples" "found $count .jailed examples"
expect_contains "docs: jailed(5) shows a Go development setup" "packages = nixpkgs#go nixpkgs#gopls" "$(cat "$examples"/*)"

# --- lint ---------------------------------------------------------------------------------------

for page in "$MAN1" "$MAN5"; do
  # shellcheck disable=SC2016  # the inner bash expands it
  check "docs: mandoc -T lint $(basename "$page") is clean" bash -c 'out=$(mandoc -T lint "$1" 2>&1); [ -z "$out" ] || { echo "$out"; exit 1; }' _ "$page"
done
check "docs: bash -n completions/jailed.bash" bash -n "$BASH_COMP"
check "docs: zsh -n completions/_jailed" zsh -n "$ZSH_COMP"
check "docs: fish --no-execute completions/jailed.fish" fish --no-execute "$FISH_COMP"
check "docs: shellcheck completions/jailed.bash" shellcheck -s bash "$BASH_COMP"
check "docs: shellcheck shell/jailed.bash" shellcheck -s bash "$ROOT/shell/jailed.bash"

finish
