#!/usr/bin/env bash
# Real interactive shells in tmux: bash --norc -i, zsh -f -i, fish --no-config -i. Keys are
# typed into the pane; the hook runs from the shell's own prompt machinery; results come back
# through files the typed commands write, and through the pane's text.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/shell_common.sh"
require_tools shell_interactive tmux

SH=interactive
shell_setup
. "$here/tmux.sh"

P="$WORK/proj"
# Shell code and quotes (a name with control characters or invalid UTF-8 is refused: see
# shell_common.sh's refused names).
W="$WORK/"$'w $(touch CANARY1) `touch CANARY2` \' " x'
allowed_project "$P"
allowed_project "$W"

# shellcheck disable=SC2031  # each scenario sets OUT before reading its files
out() { cat -- "$OUT/$1" 2>/dev/null || printf '<missing>'; }

interactive() {
  local sh=$1 shell_cmd=$2 user_hook=$3 install=$4 allow=$5
  OUT="$WORLD/out/i_$sh"
  Q="$WORK/later_$sh"  # allowed during the test: one per shell
  mkdir -p "$OUT"
  make_project "$Q"
  local envfile="$WORLD/env_$sh" var
  {
    for var in HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_CACHE_HOME JAILED OUT P Q W WORK; do
      printf 'export %s=%q\n' "$var" "${!var}"
    done
    printf 'export PATH=%q TERM=screen PS1=%q\n' "$PATH0" '$ '
    [ -n "$SCENARIO_LOCALE" ] && printf 'export LANG=%s LC_ALL=%s\n' "$SCENARIO_LOCALE" "$SCENARIO_LOCALE"
  } > "$envfile"
  # A clean environment (env -i), then the test's variables, then the shell under test.
  new_session -d -s "$sh" -x 200 -y 50 -c "$WORK" \
    "exec env -i /bin/bash --norc --noprofile -c '. \"\$0\"; exec \"\$@\"' '$envfile' $shell_cmd" || {
    fail "$sh interactive: tmux session" "could not start"
    return
  }
  if ! wait_for pane_has_text "$sh"; then
    fail "$sh interactive: shell started" "no prompt within 30 s"
    return
  fi
  step "$sh" ready "cd \"\$WORK\"" || return
  step "$sh" user_hook "$user_hook" || return
  step "$sh" installed "$install" || return

  # Enter an allowed project: the next prompt loads it.
  step "$sh" enter "cd \"\$P\"" || return
  step "$sh" in "printf '%s\n' \"\$JAILED_DIR\" > \"\$OUT/dir.in\"; printenv PATH > \"\$OUT/path.in\"; printenv JAILED_SHIMS > \"\$OUT/shims.in\"; command -v jailed-demo > \"\$OUT/cmd.in\"" || return
  local shims
  shims=$(out shims.in)
  expect_eq "$sh interactive: JAILED_DIR loaded by the prompt" "$P" "$(out dir.in)"
  expect_eq "$sh interactive: PATH = shim dir + previous PATH" "$shims:$PATH0" "$(out path.in)"
  expect_eq "$sh interactive: shim found" "$shims/jailed-demo" "$(out cmd.in)"

  # The user's own prompt hook still runs, after jailed's, and sees the user's status.
  type_line "$sh" "sh -c 'exit 7'"
  step "$sh" status "true" || return
  expect_contains "$sh interactive: user's prompt hook runs and sees the status" "mine 7" "$(out mine.log)"
  expect_eq "$sh interactive: one loaded message in the pane" 1 \
    "$(pane "$sh" | grep -cF "$(loaded_msg "$P" jailed-demo)")"

  # A file allowed while the shell sits in its directory: loaded by the next prompt, no cd.
  step "$sh" enter_q "cd \"\$Q\"" || return
  step "$sh" blocked_q "printf '%s\n' \"\$JAILED_DIR\" > \"\$OUT/dir.blocked\"" || return
  expect_eq "$sh interactive: not allowed, JAILED_DIR empty" "" "$(out dir.blocked)"
  expect_eq "$sh interactive: not-allowed message once" 1 "$(pane "$sh" | grep -cF "$(not_allowed_msg "$Q")")"
  step "$sh" allow_q "$allow" || return
  step "$sh" in_q "printf '%s\n' \"\$JAILED_DIR\" > \"\$OUT/dir.q\"" || return
  expect_eq "$sh interactive: allowed while inside, loaded by the next prompt" "$Q" "$(out dir.q)"
  expect_contains "$sh interactive: loaded message after allow" "$(loaded_msg "$Q" jailed-demo)" "$(pane "$sh")"

  # A hostile directory name stays data.
  step "$sh" enter_w "cd \"\$W\"" || return
  step "$sh" in_w "printf '%s' \"\$JAILED_DIR\" > \"\$OUT/dir.w\"" || return
  if printf '%s' "$W" | cmp -s - "$OUT/dir.w"; then
    pass "$sh interactive: hostile directory name, exact JAILED_DIR"
  else
    fail "$sh interactive: hostile directory name, exact JAILED_DIR" "got $(od -An -c "$OUT/dir.w" | tr -s ' \n' ' ')"
  fi
  expect_no_canary "$sh: hostile directory name, no code ran"

  # Leave: exactly the shim entry goes, the user's own addition stays.
  step "$sh" add_path "$6" || return
  step "$sh" leave "cd \"\$WORK\"" || return
  step "$sh" out "printenv PATH > \"\$OUT/path.out\"; printenv JAILED_DIR > \"\$OUT/dir.out\"" || return
  expect_eq "$sh interactive: leaving restores PATH, keeps the user's entry" "/user/front:$PATH0" "$(out path.out)"
  expect_eq "$sh interactive: leaving unsets JAILED_DIR" "" "$(out dir.out)"
  expect_contains "$sh interactive: unloaded message" "jailed: unloaded " "$(pane "$sh")"
  type_line "$sh" "sh -c 'exit 3'"
  step "$sh" final "true" || return
  expect_contains "$sh interactive: user's prompt hook still runs at the end" "mine 3" "$(out mine.log)"

  [ -n "${DEBUG_PANE:-}" ] && pane "$sh" >&2
  type_line "$sh" "exit"
  # shellcheck disable=SC2016  # eval expands $sh
  wait_for eval '! tm has-session -t "$sh" 2>/dev/null' || tm kill-session -t "$sh" 2>/dev/null
}

if command -v bash >/dev/null; then
  # shellcheck disable=SC2016
  interactive bash "bash --norc --noprofile -i" \
    'PROMPT_COMMAND='\''echo "mine $?" >> "$OUT/mine.log"'\''' \
    'eval "$("$JAILED" hook bash)"' \
    '"$JAILED" allow --yes "$Q"' \
    'PATH="/user/front:$PATH"'
else
  skip "bash interactive" "bash is not installed"
fi
if command -v zsh >/dev/null; then
  # shellcheck disable=SC2016
  interactive zsh "zsh -f -i" \
    'mine() { echo "mine $?" >> "$OUT/mine.log" }; precmd_functions+=(mine)' \
    'eval "$("$JAILED" hook zsh)"' \
    '"$JAILED" allow --yes "$Q"' \
    'PATH="/user/front:$PATH"'
else
  skip "zsh interactive" "zsh is not installed"
fi
if command -v fish >/dev/null; then
  # shellcheck disable=SC2016
  interactive fish "fish --no-config -i" \
    'function mine --on-event fish_prompt; echo "mine $status" >> "$OUT/mine.log"; end' \
    '$JAILED hook fish | source' \
    '$JAILED allow --yes "$Q"' \
    'set -gx PATH /user/front $PATH'
else
  skip "fish interactive" "fish is not installed"
fi

finish
