#!/usr/bin/env bash
# bash prompt hook: `eval "$(jailed hook bash)"`, driven by running PROMPT_COMMAND the way bash
# does before each prompt (string form, and the array form of bash >= 5.1).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/shell_common.sh"
require_tools shell_bash bash

# shellcheck disable=SC2034  # used by shell_common.sh
SH=bash
SH_CMD=(bash --norc --noprofile)
# shellcheck disable=SC2016,SC2034
PRELUDE='
__ret() { return "$1"; }
hook() { eval "$("$JAILED" hook bash)"; }
# What bash does before a prompt: PROMPT_COMMAND as one string, or each array element in
# order; $? is the last command'"'"'s status and carries from one element to the next.
prompt() {
  local __st=$? __f="$OUT/err.$1" __c
  if [[ $(declare -p PROMPT_COMMAND 2>/dev/null) == "declare -a"* ]]; then
    for __c in "${PROMPT_COMMAND[@]}"; do __ret "$__st"; eval "$__c" 2>>"$__f"; __st=$?; done
  else
    __ret "$__st"; eval "${PROMPT_COMMAND:-}" 2>>"$__f"
  fi
}
go() { : >"$OUT/err.$1"; cd -- "$2" || echo "cd failed" >&2; prompt "$1"; }
snap() {
  local k
  for k in PATH JAILED_DIR JAILED_SHIMS JAILED_STATE JAILED_AGENTS; do
    if printenv "$k" >/dev/null; then printenv "$k" >"$OUT/$1.$k"; else printf "<unset>" >"$OUT/$1.$k"; fi
  done
}
lookup() { hash "$2" 2>/dev/null; command -v "$2" >"$OUT/$1.which.$2" || printf "<none>" >"$OUT/$1.which.$2"; }
export_out() { "$JAILED" export bash >"$OUT/$1.export.out" 2>"$OUT/$1.export.err"; echo $? >"$OUT/$1.export.rc"; }
run() { local s=$1; shift; "$@" >"$OUT/$s.run.out" 2>"$OUT/$s.run.err"; echo $? >"$OUT/$s.run.rc"; }
path_front() { PATH="$1:$PATH"; }
path_back() { PATH="$PATH:$1"; }
save_path() { eval "__saved_$1=\$PATH"; }
restore_path() { eval "PATH=\$__saved_$1"; }
put() { printf "%s\n" "$2" >"$OUT/$1"; }
'

shell_setup
run_common_scenarios

# --- bash specifics -----------------------------------------------------------------------------

p="$WORK/bashproj"
allowed_project "$p"

# String PROMPT_COMMAND: jailed goes first, the user's command still runs and sees the user's $?.
run_scenario pc_string P="$p" <<'EOF'
PROMPT_COMMAND='echo "mine $?" >>"$OUT/mine.log"'
hook
put installed "$PROMPT_COMMAND"
put kind "$(declare -p PROMPT_COMMAND | cut -c1-10)"
hook
put installed2 "$PROMPT_COMMAND"
put hookvar "$(printenv JAILED_HOOK)"
put pid "$$"
cd "$P"; (exit 7); prompt in
snap in
(exit 3); prompt again
cd "$WORK"; (exit 5); prompt out
snap out
EOF
s=pc_string
expect_key "PROMPT_COMMAND string: jailed first, user's entry kept" $s installed "_jailed_hook;echo \"mine \$?\" >>\"\$OUT/mine.log\""
expect_key "PROMPT_COMMAND string: stays a string" $s kind "declare --"
expect_key "PROMPT_COMMAND string: sourcing twice adds nothing" $s installed2 "$(get $s installed)"
expect_key "JAILED_HOOK=bash:PID exported" $s hookvar "bash:$(get $s pid)"
expect_key "PROMPT_COMMAND string: user's hook runs and sees \$? each prompt" $s mine.log $'mine 7\nmine 3\nmine 5'
expect_key "PROMPT_COMMAND string: loaded" $s in.JAILED_DIR "$p"
expect_key "PROMPT_COMMAND string: loaded message" $s err.in "$(loaded_msg "$p" jailed-demo)"
expect_key "PROMPT_COMMAND string: unloaded" $s out.PATH "$PATH0"

# Unset PROMPT_COMMAND: becomes exactly "_jailed_hook".
run_scenario pc_unset <<'EOF'
unset PROMPT_COMMAND
hook
put installed "$PROMPT_COMMAND"
EOF
expect_key "PROMPT_COMMAND unset: becomes _jailed_hook" pc_unset installed "_jailed_hook"

# Array PROMPT_COMMAND (bash 5.1+): stays an array, jailed first, other elements kept in order.
run_scenario pc_array P="$p" <<'EOF'
PROMPT_COMMAND=('echo "a $?" >>"$OUT/mine.log"' 'echo b >>"$OUT/mine.log"')
hook
hook
put kind "$(declare -p PROMPT_COMMAND | cut -c1-10)"
put count "${#PROMPT_COMMAND[@]}"
put e0 "${PROMPT_COMMAND[0]}"
put e1 "${PROMPT_COMMAND[1]}"
put e2 "${PROMPT_COMMAND[2]}"
cd "$P"; (exit 7); prompt in
snap in
lookup in jailed-demo
(exit 4); prompt again
path_front /user/front
cd "$WORK"; (exit 9); prompt out
snap out
EOF
s=pc_array
expect_key "PROMPT_COMMAND array: stays an array" $s kind "declare -a"
expect_key "PROMPT_COMMAND array: one jailed entry after sourcing twice" $s count 3
expect_key "PROMPT_COMMAND array: jailed first" $s e0 "_jailed_hook"
# shellcheck disable=SC2016  # the entries are compared as text
expect_key "PROMPT_COMMAND array: user's 1st entry kept" $s e1 'echo "a $?" >>"$OUT/mine.log"'
# shellcheck disable=SC2016
expect_key "PROMPT_COMMAND array: user's 2nd entry kept" $s e2 'echo b >>"$OUT/mine.log"'
expect_key "PROMPT_COMMAND array: user's hooks run and see \$?" $s mine.log $'a 7\nb\na 4\nb\na 9\nb'
expect_key "PROMPT_COMMAND array: loaded" $s in.JAILED_DIR "$p"
expect_key "PROMPT_COMMAND array: PATH" $s in.PATH "$(get $s in.JAILED_SHIMS):$PATH0"
expect_key "PROMPT_COMMAND array: message" $s err.in "$(loaded_msg "$p" jailed-demo)"
expect_key "PROMPT_COMMAND array: shim found" $s in.which.jailed-demo "$(get $s in.JAILED_SHIMS)/jailed-demo"
expect_key "PROMPT_COMMAND array: leaving" $s out.PATH "/user/front:$PATH0"
expect_key "PROMPT_COMMAND array: JAILED_DIR unset" $s out.JAILED_DIR "<unset>"

# The hook itself returns the status it found, whether or not it applied a change; the user's
# INT trap survives; nounset does not break it.
run_scenario status_trap P="$p" <<'EOF'
set -u
hook
trap 'echo usertrap' INT
cd "$P"; (exit 42); _jailed_hook 2>/dev/null; put st_change "$?"
(exit 43); _jailed_hook; put st_same "$?"
put trap "$(trap -p INT)"
trap - INT
cd "$WORK"; (exit 44); _jailed_hook 2>/dev/null; put st_leave "$?"
put trap_none "$(trap -p INT)"
go in "$P"
snap in
go out "$WORK"
snap out
EOF
s=status_trap
expect_key "hook keeps \$? when it applies a change" $s st_change 42
expect_key "hook keeps \$? when nothing changed" $s st_same 43
expect_key "hook keeps \$? when leaving" $s st_leave 44
expect_key "hook keeps the user's INT trap" $s trap "trap -- 'echo usertrap' SIGINT"
expect_key "hook leaves no INT trap when there was none" $s trap_none ""
expect_key "set -u: enter" $s err.in "$(loaded_msg "$p" jailed-demo)"
expect_key "set -u: PATH" $s in.PATH "$(get $s in.JAILED_SHIMS):$PATH0"
expect_key "set -u: leave" $s out.PATH "$PATH0"

finish
