#!/usr/bin/env bash
# Tab completion in real interactive shells (bash --norc -i, zsh -f -i, fish --no-config -i)
# driven through tmux: keys are typed into the pane, the shell's own completion machinery runs
# the files in completions/, and the offered words are read back from the captured pane.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
require_tools completion tmux bash zsh fish
# shellcheck disable=SC2034  # reaches the shells through their env file
ROOT=$(cd "$here/../.." && pwd)

new_world
. "$here/tmux.sh"

# jailed on PATH as the user has it, and one host command whose name starts with jailed-: it
# is the only candidate for jailed-<TAB> outside a project, so a unique completion to it shows
# that the shell offered nothing else (an empty offer would be indistinguishable from a slow one).
BIN="$WORLD/bin"
mkdir -p "$BIN"
ln -s "$JAILED" "$BIN/jailed"
printf '#!/bin/sh\n' > "$BIN/jailed-zzhost"
chmod 755 "$BIN/jailed-zzhost"
PATH0="$BIN:/usr/local/bin:/usr/bin:/bin"
# Commands named jailed-* that this machine itself has, which every shell also offers.
mapfile -t HOST_SHIMS < <(PATH=/usr/local/bin:/usr/bin:/bin bash --norc -c 'compgen -c jailed-' | sort -u)
# shims WORD...: the jailed-* words a shell should offer: WORDs and the machine's own.
shims() { printf '%s\n' "$@" "${HOST_SHIMS[@]}" | sort -u | tr '\n' ' '; }

P="$WORK/proj"
write_jailed "$P" $'[agent alpha]\npackage = host:true\n\n[agent beta]\npackage = host:true'
mkdir -p "$P/subproj"
: > "$P/notes-file.txt"
O="$WORK/other"
write_jailed "$O" $'[agent other]\npackage = host:true'
for dir in "$P" "$O"; do
  out=$("$JAILED" allow "$dir" 2>&1) || fail "completion: allow $dir" "$out"
done

# The helper the completion files call: the nearest .jailed's agents, whether or not it is
# allowed (names only: nothing is evaluated); nothing, successfully, where there are none.
helper() { (cd "$1" && "$JAILED" __complete agents 2>&1; echo "rc=$?"); }
mkdir -p "$P/subproj/deeper" "$WORK/blocked" "$WORK/broken"
write_jailed "$WORK/blocked" $'[agent gamma]\npackage = host:true'
write_jailed "$WORK/broken" $'[agent delta]\nnetwrok = on'
expect_eq "completion: __complete agents in a project" $'alpha\nbeta\nrc=0' "$(helper "$P")"
expect_eq "completion: __complete agents below a project" $'alpha\nbeta\nrc=0' "$(helper "$P/subproj/deeper")"
expect_eq "completion: __complete agents of a file not allowed" $'gamma\nrc=0' "$(helper "$WORK/blocked")"
expect_eq "completion: __complete agents of an invalid file: nothing" "rc=0" "$(helper "$WORK/broken")"
expect_eq "completion: __complete agents outside a project: nothing" "rc=0" "$(helper "$WORK")"
expect_eq "completion: __complete shells hook" "bash zsh fish" "$("$JAILED" __complete shells hook | tr '\n' ' ' | sed 's/ $//')"
expect_eq "completion: __complete shells export" "bash zsh fish json" \
  "$("$JAILED" __complete shells export | tr '\n' ' ' | sed 's/ $//')"
check_fails "completion: __complete rejects an unknown word list" "$JAILED" __complete agentz


# after_mark SESSION MARK: the pane's text after the last line that shows MARK.
after_mark() { pane "$1" | awk -v mark="$2" 'index($0, mark) { text = ""; next } { text = text $0 "\n" } END { printf "%s", text }'; }

# has_words SESSION MARK WORD...: every WORD appears (as a whole word) after the mark.
has_words() {
  local text word
  text=$(after_mark "$1" "$2")
  for word in "${@:3}"; do
    grep -qE -- "(^|[[:space:]])$(printf '%s' "$word" | sed 's/[.[\*^$+?(){}|/]/\\&/g')([[:space:]/=]|$)" <<< "$text" || return 1
  done
}

# cancel_line SESSION: empties the line being edited with keys the shell reads in order (end of
# line, kill to its start). Ctrl-C would be a signal, which can overtake or drop the keys typed
# next, so that the next step's command runs garbled.
cancel_line() { tm send-keys -t "$1" C-e C-u; }

# offer SESSION NAME TEXT WORD...: types TEXT and Tab on an empty line and waits until every WORD
# shows in the pane; OFFER then holds the pane's text from that line on. The line is cancelled.
OFFER=
MARKS=0
offer() {
  local sh=$1 name=$2 text=$3 mark
  MARKS=$((MARKS + 1))
  mark="mark$MARKS.done"
  OFFER=
  step "$sh" "mark$MARKS" "true" || return 1
  tm send-keys -t "$sh" -l -- "$text"
  tm send-keys -t "$sh" Tab
  if ! wait_for has_words "$sh" "$mark" "${@:4}"; then
    fail "$sh completion: $name" "expected [${*:4}] after typing [$text<TAB>]; pane: $(after_mark "$sh" "$mark" | tail -8)"
    cancel_line "$sh"
    return 1
  fi
  OFFER=$(after_mark "$sh" "$mark")
  cancel_line "$sh"
  return 0
}

# words_like REGEX: the distinct words of OFFER that match REGEX, sorted, space separated.
words_like() { grep -oE -- "$1" <<< "$OFFER" | sort -u | tr '\n' ' '; }

completion_suite() {
  local sh=$1 shell_cmd=$2 setup=$3 hook=$4
  OUT="$WORLD/out/$sh"
  mkdir -p "$OUT"
  local envfile="$WORLD/env_$sh" var
  {
    for var in HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_CACHE_HOME OUT P O WORK ROOT WORLD; do
      printf 'export %s=%q\n' "$var" "${!var}"
    done
    printf 'export PATH=%q TERM=screen PS1=%q\n' "$PATH0" '$ '
  } > "$envfile"
  new_session -d -s "$sh" -x 200 -y 50 -c "$WORK" \
    "exec env -i /bin/bash --norc --noprofile -c '. \"\$0\"; exec \"\$@\"' '$envfile' $shell_cmd" || {
    fail "$sh completion: tmux session" "could not start"
    return
  }
  if ! wait_for pane_has_text "$sh"; then
    fail "$sh completion: shell started" "no prompt within 30 s"
    return
  fi
  step "$sh" setup "$setup" || return
  step "$sh" hook "$hook" || return

  # Commands; the hidden helper is not one of them.
  if offer "$sh" "commands" "jailed " init allow edit deny status prune run explain resolve cache hook export doctor help; then
    pass "$sh completion: jailed <TAB> offers the commands"
    expect_not_contains "$sh completion: jailed <TAB> hides __complete" "__complete" "$OFFER"
  fi
  offer "$sh" "hook shells" "jailed hook " bash zsh fish && {
    pass "$sh completion: jailed hook <TAB> offers bash zsh fish"
    expect_not_contains "$sh completion: jailed hook <TAB> does not offer json" "json" "$OFFER"
  }
  offer "$sh" "export shells" "jailed export " bash zsh fish json &&
    pass "$sh completion: jailed export <TAB> offers json too"
  offer "$sh" "status options" "jailed status --" --path --all --json --help &&
    expect_eq "$sh completion: jailed status --<TAB> offers exactly its options" \
      "--all --help --json --path " "$(words_like '--[a-z]+')"
  offer "$sh" "init presets" "jailed init " crush opencode claude-code &&
    pass "$sh completion: jailed init <TAB> offers the presets"
  offer "$sh" "allow options" "jailed allow --" --path --yes --help &&
    expect_eq "$sh completion: jailed allow --<TAB> offers exactly its options" \
      "--help --path --yes " "$(words_like '--[a-z]+')"
  offer "$sh" "cache actions" "jailed cache " list gc clear &&
    pass "$sh completion: jailed cache <TAB> offers list gc clear"
  offer "$sh" "cache list options" "jailed cache list --" --json --help &&
    expect_eq "$sh completion: jailed cache list --<TAB> offers exactly its options" \
      "--help --json " "$(words_like '--[a-z][a-z-]*')"
  offer "$sh" "cache gc options" "jailed cache gc --" --older-than --help &&
    expect_eq "$sh completion: jailed cache gc --<TAB> offers exactly its options" \
      "--help --older-than " "$(words_like '--[a-z][a-z-]*')"

  # Outside any project: jailed-<TAB> finds only the host's own command.
  offer "$sh" "jailed- outside, before" "jailed-" jailed-zzhost &&
    expect_eq "$sh completion: jailed-<TAB> outside a project offers no shims" \
      "$(shims jailed-zzhost)" "$(words_like 'jailed-[A-Za-z0-9._+-]+')"

  step "$sh" enter "cd \"\$P\"" || return
  offer "$sh" "jailed- inside" "jailed-" jailed-alpha jailed-beta jailed-zzhost &&
    expect_eq "$sh completion: jailed-<TAB> in the project offers exactly its shims" \
      "$(shims jailed-alpha jailed-beta jailed-zzhost)" "$(words_like 'jailed-[A-Za-z0-9._+-]+')"
  if offer "$sh" "run agents" "jailed run " alpha beta; then
    pass "$sh completion: jailed run <TAB> offers the project's agents"
    expect_not_contains "$sh completion: jailed run <TAB> offers no other project's agent" "other" "$OFFER"
  fi
  offer "$sh" "explain agents" "jailed explain " alpha beta &&
    pass "$sh completion: jailed explain <TAB> offers the project's agents"
  if offer "$sh" "resolve agents" "jailed resolve " alpha beta; then
    pass "$sh completion: jailed resolve <TAB> offers the project's agents"
    expect_not_contains "$sh completion: jailed resolve <TAB> offers no other project's agent" "other" "$OFFER"
  fi
  offer "$sh" "reload --agent" "jailed reload --agent " alpha beta &&
    pass "$sh completion: jailed reload (the older name) --agent <TAB> offers the project's agents"
  offer "$sh" "shim arguments" "jailed-alpha not" jailed-alpha notes-file.txt &&
    pass "$sh completion: jailed-alpha's arguments complete files"
  offer "$sh" "run arguments" "jailed run alpha not" notes-file.txt &&
    pass "$sh completion: jailed run AGENT's arguments complete files"
  offer "$sh" "allow path" "jailed allow sub" subproj &&
    expect_contains "$sh completion: jailed allow <TAB> completes a directory" "allow subproj/" "$OFFER"

  step "$sh" leave "cd \"\$WORK\"" || return
  offer "$sh" "jailed- after leaving" "jailed-" jailed-zzhost &&
    expect_eq "$sh completion: jailed-<TAB> after leaving offers no shims" \
      "$(shims jailed-zzhost)" "$(words_like 'jailed-[A-Za-z0-9._+-]+')"

  [ -n "${DEBUG_PANE:-}" ] && pane "$sh" >&2
  type_line "$sh" "exit"
  # shellcheck disable=SC2016  # eval expands it
  wait_for eval '! tm has-session -t "$sh" 2>/dev/null' || tm kill-session -t "$sh" 2>/dev/null
}

# shellcheck disable=SC2016  # the setup lines are typed into the shells, which expand them
completion_suite bash "bash --norc --noprofile -i" \
  'source "$ROOT/completions/jailed.bash"; bind "set show-all-if-ambiguous on"; bind "set bell-style none"' \
  'eval "$(jailed hook bash)"'
# shellcheck disable=SC2016
completion_suite zsh "zsh -f -i" \
  'fpath=("$ROOT/completions" $fpath); autoload -Uz compinit && compinit -u -d "$WORLD/zcompdump"' \
  'eval "$(jailed hook zsh)"'
# shellcheck disable=SC2016
completion_suite fish "fish --no-config -i" \
  'set -g fish_autosuggestion_enabled 0; source "$ROOT/completions/jailed.fish"' \
  'jailed hook fish | source'

finish
