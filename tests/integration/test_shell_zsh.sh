#!/usr/bin/env bash
# zsh prompt hook: `eval "$(jailed hook zsh)"`, driven by zsh itself running chpwd_functions on
# cd and by calling precmd_functions in order, as zsh does before each prompt.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/shell_common.sh"
require_tools shell_zsh zsh

# shellcheck disable=SC2034  # used by shell_common.sh
SH=zsh
SH_CMD=(zsh -f)
# shellcheck disable=SC2016,SC2034
PRELUDE='
__ret() { return $1 }
hook() { eval "$("$JAILED" hook zsh)" }
# What zsh does before a prompt: each precmd function in order, each seeing the last
# command'"'"'s status (zsh restores $? around hook functions).
prompt() {
  local __st=$? __f
  for __f in "${precmd_functions[@]}"; do __ret $__st; $__f; done 2>>"$OUT/err.$1"
}
# cd runs chpwd_functions itself; its stderr belongs to this step too.
go() { : >"$OUT/err.$1"; { cd -- "$2" || echo "cd failed" >&2 } 2>>"$OUT/err.$1"; prompt "$1" }
snap() {
  local k
  for k in PATH JAILED_DIR JAILED_SHIMS JAILED_STATE JAILED_AGENTS; do
    if printenv "$k" >/dev/null; then printenv "$k" >"$OUT/$1.$k"; else printf "<unset>" >"$OUT/$1.$k"; fi
  done
}
lookup() { command -v "$2" >"$OUT/$1.which.$2" || printf "<none>" >"$OUT/$1.which.$2" }
export_out() { "$JAILED" export zsh >"$OUT/$1.export.out" 2>"$OUT/$1.export.err"; echo $? >"$OUT/$1.export.rc" }
run() { local s=$1; shift; "$@" >"$OUT/$s.run.out" 2>"$OUT/$s.run.err"; echo $? >"$OUT/$s.run.rc" }
path_front() { PATH="$1:$PATH" }
path_back() { PATH="$PATH:$1" }
save_path() { eval "__saved_$1=\$PATH" }
restore_path() { eval "PATH=\$__saved_$1" }
put() { printf "%s\n" "$2" >"$OUT/$1" }
'

shell_setup
run_common_scenarios

# --- zsh specifics ------------------------------------------------------------------------------

p="$WORK/zshproj"
allowed_project "$p"

# The user's precmd/chpwd functions stay, after jailed's; sourcing twice adds nothing.
run_scenario arrays P="$p" <<'EOF'
mine() { echo "mine $?" >>"$OUT/mine.log" }
mycd() { echo "cd $PWD:t" >>"$OUT/mine.log" }
precmd_functions=(mine)
chpwd_functions=(mycd)
hook
hook
put precmd "${(j:,:)precmd_functions}"
put chpwd "${(j:,:)chpwd_functions}"
put hookvar "$(printenv JAILED_HOOK)"
put pid "$$"
{ cd "$P" } 2>"$OUT/err.cd"
snap cd_only
(exit 7); prompt in
snap in
{ cd "$WORK" } 2>"$OUT/err.cdout"; (exit 5); prompt out
snap out
EOF
s=arrays
expect_key "precmd_functions: jailed first, user's kept, once" $s precmd "_jailed_hook,mine"
expect_key "chpwd_functions: jailed first, user's kept, once" $s chpwd "_jailed_hook,mycd"
expect_key "JAILED_HOOK=zsh:PID exported" $s hookvar "zsh:$(get $s pid)"
expect_key "cd alone loads (chpwd), before any prompt" $s cd_only.JAILED_DIR "$p"
expect_key "cd alone: PATH" $s cd_only.PATH "$(get $s cd_only.JAILED_SHIMS):$PATH0"
expect_key "user's precmd/chpwd functions still run" $s mine.log $'cd zshproj\nmine 7\ncd work\nmine 5'
expect_key "cd alone: loaded message" $s err.cd "$(loaded_msg "$p" jailed-demo)"
expect_key "prompt after cd: no second message" $s err.in ""
expect_key "leaving unloads at cd" $s err.cdout "$(unloaded_msg "$p")"
expect_key "leaving unloads" $s out.PATH "$PATH0"
expect_key "leaving unsets JAILED_DIR" $s out.JAILED_DIR "<unset>"

# Loading through precmd alone (trust changed, no cd): the prompt picks it up.
q="$WORK/zshlater"
make_project "$q"
run_scenario precmd_only Q="$q" <<'EOF'
hook
go in "$Q"
snap in
run allow "$JAILED" allow "$Q"
prompt allowed
snap allowed
EOF
s=precmd_only
expect_key "not allowed at cd" $s err.in "$(not_allowed_msg "$q")"
expect_key "not allowed: PATH" $s in.PATH "$PATH0"
expect_key "allowed later: precmd loads it" $s err.allowed "$(loaded_msg "$q" jailed-demo)"
expect_key "allowed later: JAILED_DIR" $s allowed.JAILED_DIR "$q"

# The hook returns the status it found; the user's options and INT trap do not break it.
run_scenario options P="$p" <<'EOF'
setopt ksh_arrays no_unset sh_word_split no_equals
hook
trap 'echo usertrap' INT
cd "$P" 2>/dev/null; (exit 42); _jailed_hook; put st_same "$?"
cd "$WORK" 2>/dev/null; chpwd_functions=(); cd "$P"; (exit 43); _jailed_hook 2>/dev/null; put st_change "$?"
trap >"$OUT/trap"
cd "$WORK"; (exit 44); _jailed_hook 2>/dev/null; put st_leave "$?"
hook
go in "$P"
snap in
go out "$WORK"
snap out
EOF
s=options
expect_key "hook keeps \$? when nothing changed" $s st_same 42
expect_key "hook keeps \$? when it applies a change" $s st_change 43
expect_key "hook keeps \$? when leaving" $s st_leave 44
expect_key "hook keeps the user's INT trap" $s trap "trap -- 'echo usertrap' INT"
expect_key "ksh_arrays/no_unset/sh_word_split: enter" $s err.in "$(loaded_msg "$p" jailed-demo)"
expect_key "ksh_arrays/no_unset/sh_word_split: PATH" $s in.PATH "$(get $s in.JAILED_SHIMS):$PATH0"
expect_key "ksh_arrays/no_unset/sh_word_split: leave" $s out.PATH "$PATH0"

finish
