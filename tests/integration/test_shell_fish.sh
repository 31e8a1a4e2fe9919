#!/usr/bin/env bash
# fish prompt hook: `jailed hook fish | source`, driven by fish's own PWD variable event on cd
# and by `emit fish_prompt`, the event fish sends before each prompt.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/shell_common.sh"
require_tools shell_fish fish

# shellcheck disable=SC2034  # used by shell_common.sh
SH=fish
SH_CMD=(fish --no-config)
# Event handlers write to the script's own stderr whatever the redirections around `emit` or
# `cd`, so each step brackets its part of stderr with markers (split by run_scenario).
# shellcheck disable=SC2016,SC2034
PRELUDE='
function hook
    $JAILED hook fish | source
end
function prompt
    echo "@@err $argv[1]" >&2
    emit fish_prompt
    echo "@@end" >&2
end
function go
    echo "@@err $argv[1]" >&2
    cd $argv[2]; or echo "cd failed" >&2
    emit fish_prompt
    echo "@@end" >&2
end
function snap
    for k in PATH JAILED_DIR JAILED_SHIMS JAILED_STATE JAILED_AGENTS
        if printenv $k >/dev/null
            printenv $k >$OUT/$argv[1].$k
        else
            printf "<unset>" >$OUT/$argv[1].$k
        end
    end
end
function lookup
    command -v $argv[2] >$OUT/$argv[1].which.$argv[2]; or printf "<none>" >$OUT/$argv[1].which.$argv[2]
end
function export_out
    $JAILED export fish >$OUT/$argv[1].export.out 2>$OUT/$argv[1].export.err
    echo $status >$OUT/$argv[1].export.rc
end
function run
    $argv[2..-1] >$OUT/$argv[1].run.out 2>$OUT/$argv[1].run.err
    echo $status >$OUT/$argv[1].run.rc
end
function path_front
    set -gx PATH $argv[1] $PATH
end
function path_back
    set -gx PATH $PATH $argv[1]
end
function save_path
    set -g __saved_$argv[1] $PATH
end
function restore_path
    set -l name __saved_$argv[1]
    set -gx PATH $$name
end
function put
    printf "%s\n" $argv[2] >$OUT/$argv[1]
end
'

shell_setup
run_common_scenarios

# --- fish specifics -----------------------------------------------------------------------------

p="$WORK/fishproj"
allowed_project "$p"

# The user's own fish_prompt and PWD handlers keep running; sourcing twice installs one handler
# per event; cd alone loads (PWD event), before any prompt.
run_scenario events P="$p" <<'EOF'
function mine --on-event fish_prompt
    echo "mine $status" >>$OUT/mine.log
end
function mycd --on-variable PWD
    echo "cd "(basename $PWD) >>$OUT/mine.log
end
hook
hook
functions --handlers fish_prompt >$OUT/handlers.prompt
functions --handlers-type variable >$OUT/handlers.variable
put hookvar (printenv JAILED_HOOK)
put pid $fish_pid
echo "@@err cd" >&2
cd $P
echo "@@end" >&2
snap cd_only
prompt in
snap in
lookup in jailed-demo
go out $WORK
snap out
EOF
s=events
handlers_prompt=$(get $s handlers.prompt)
handlers_variable=$(get $s handlers.variable)
expect_eq "fish: one jailed fish_prompt handler after sourcing twice" 1 "$(grep -c '__jailed_export_eval$' <<< "$handlers_prompt")"
expect_contains "fish: user's fish_prompt handler kept" "fish_prompt mine" "$handlers_prompt"
expect_eq "fish: one jailed PWD handler after sourcing twice" 1 "$(grep -c 'PWD __jailed_export_eval_on_cd$' <<< "$handlers_variable")"
expect_contains "fish: user's PWD handler kept" "PWD mycd" "$handlers_variable"
expect_key "JAILED_HOOK=fish:PID exported" $s hookvar "fish:$(get $s pid)"
expect_key "cd alone loads (PWD event)" $s err.cd "$(loaded_msg "$p" jailed-demo)"
expect_key "cd alone: JAILED_DIR" $s cd_only.JAILED_DIR "$p"
expect_key "cd alone: PATH" $s cd_only.PATH "$(get $s cd_only.JAILED_SHIMS):$PATH0"
expect_key "prompt after cd: no second message" $s err.in ""
expect_key "user's handlers still run" $s mine.log $'cd fishproj\nmine 0\ncd work\nmine 0'
expect_key "shim found" $s in.which.jailed-demo "$(get $s in.JAILED_SHIMS)/jailed-demo"
expect_key "leaving unloads" $s err.out "$(unloaded_msg "$p")"
expect_key "leaving: PATH" $s out.PATH "$PATH0"
expect_key "leaving: JAILED_DIR unset" $s out.JAILED_DIR "<unset>"

# Loading through the fish_prompt event alone (trust changed, no cd).
q="$WORK/fishlater"
make_project "$q"
run_scenario prompt_only Q="$q" <<'EOF'
hook
go in $Q
snap in
run allow $JAILED allow $Q
prompt allowed
snap allowed
EOF
s=prompt_only
expect_key "not allowed at cd" $s err.in "$(not_allowed_msg "$q")"
expect_key "not allowed: PATH" $s in.PATH "$PATH0"
expect_key "allowed later: fish_prompt loads it" $s err.allowed "$(loaded_msg "$q" jailed-demo)"
expect_key "allowed later: JAILED_DIR" $s allowed.JAILED_DIR "$q"

# fish keeps PATH as a list: entries the user added as list items stay list items.
run_scenario fish_path P="$p" <<'EOF'
hook
go in $P
set -gx PATH /user/front $PATH /user/back
put count_in (count $PATH)
go out $WORK
put count_out (count $PATH)
put second "$PATH[2]"
snap out
EOF
s=fish_path
expect_key "PATH list: user's entries kept in place" $s out.PATH "/user/front:$PATH0:/user/back"
expect_key "PATH list: one entry removed" $s count_out "$(( $(get $s count_in) - 1 ))"
expect_key "PATH list: items stay separate" $s second "$HOSTBIN"

# A function with its own local PATH: the PATH watcher leaves the global PATH alone. Control: a
# global PATH without the shim dir (as direnv's restore makes it) gets it back at once.
run_scenario local_path P="$p" PZ="$PATH0" <<'EOF'
hook
go in $P
function narrow
    set -lx PATH /usr/bin
    put inside (printenv PATH)
end
narrow
snap after_local
set -gx PATH (string split : $PZ)
snap after_global
EOF
s=local_path
expect_key "local PATH in a function: kept local" $s inside "/usr/bin"
expect_key "local PATH in a function: the global PATH untouched" $s after_local.PATH "$(get $s after_local.JAILED_SHIMS):$PATH0"
expect_key "control: a global PATH without the shim dir gets it back at once" $s after_global.PATH \
  "$(get $s after_local.JAILED_SHIMS):$PATH0"

finish
