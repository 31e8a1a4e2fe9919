# shellcheck shell=bash
# Shared by test_shell_{bash,zsh,fish}.sh: scenarios that drive a shell's prompt hook.
#
# A suite sets, before calling shell_setup:
#   SH       bash | zsh | fish (the argument of `jailed hook` / `jailed export`)
#   SH_CMD   array: how to run a script file non-interactively (e.g. zsh -f)
#   PRELUDE  text put before every scenario script. It defines, in that shell's syntax, the
#            commands the common scenarios are written in (each takes a STEP name first; every
#            result lands in a file "$OUT/STEP.WHAT"):
#     hook                 installs the hook the documented way (eval / | source)
#     go STEP DIR          cd DIR, then one prompt; the hooks' stderr goes to $OUT/err.STEP
#     prompt STEP          one prompt (the shell's real prompt hooks, in order)
#     snap STEP            saves the exported PATH JAILED_DIR JAILED_SHIMS JAILED_STATE
#                          (printenv's output, or "<unset>")
#     lookup STEP NAME     saves where the shell finds command NAME (or "<none>")
#     export_out STEP      runs `jailed export SH` directly: .export.out/.export.err/.export.rc
#     run STEP CMD...      runs a command: .run.out/.run.err/.run.rc
#     path_front DIR / path_back DIR   the user edits PATH
#     save_path NAME / restore_path NAME   PATH saved and put back later, as direnv does
#   The scenario bodies below use only simple commands with "$VAR" arguments, which read the
#   same in bash, zsh and fish.

shell_setup() {
  new_world
  HOSTBIN="$WORLD/hostbin"
  mkdir -p "$HOSTBIN" "$WORLD/scripts" "$WORLD/out"
  # A host command with an agent's shim name: leaving a project must find this one again.
  printf '#!/bin/sh\necho host\n' > "$HOSTBIN/jailed-demo"
  chmod 755 "$HOSTBIN/jailed-demo"
  PATH0="$HOSTBIN:/usr/local/bin:/usr/bin:/bin"
  SHIMS_ROOT="$XDG_STATE_HOME/jailed/shims"
  JAILED_REAL=$(realpath "$JAILED")
  DEMO_TEXT=$'[agent demo]\npackage = host:bash'
  SCENARIO_LOCALE=
  if locale -a 2>/dev/null | grep -qix 'C.utf-\?8'; then SCENARIO_LOCALE=C.UTF-8; fi
}

# make_project DIR [TEXT]: writes DIR/.jailed (default: agent demo) without allowing it.
make_project() {
  local dir=$1 text=${2:-$DEMO_TEXT}
  mkdir -p -- "$dir"
  printf '%s\n' "$text" > "$dir/.jailed"
  chmod 644 "$dir/.jailed"
}

# allowed_project DIR [TEXT]: make_project, then `jailed allow DIR`.
allowed_project() {
  make_project "$@"
  local out
  if ! out=$("$JAILED" allow "$1" 2>&1); then
    fail "$SH: allow $(printf '%q' "$1")" "$out"
  fi
}

# run_scenario NAME [VAR=VALUE...] < BODY: runs PRELUDE + BODY in a fresh shell, cwd $WORK,
# PATH=$PATH0, the VARs in its environment. Its results are in $WORLD/out/NAME.
run_scenario() {
  local name=$1
  shift
  local out="$WORLD/out/$name" script="$WORLD/scripts/$name.$SH"
  mkdir -p "$out"
  { printf '%s\n' "$PRELUDE"; cat; } > "$script"
  (
    cd "$WORK" || exit 1
    export OUT="$out" PATH="$PATH0" WORK
    [ -n "$SCENARIO_LOCALE" ] && export LANG="$SCENARIO_LOCALE" LC_ALL="$SCENARIO_LOCALE"
    exec env "$@" timeout 20 "${SH_CMD[@]}" "$script"
  ) > "$out/stdout" 2> "$out/stderr"
  echo $? > "$out/rc"
  # fish cannot redirect its event handlers' stderr, so its steps mark their part of the script's
  # stderr with "@@err STEP" ... "@@end" lines instead: split those into err.STEP files.
  LC_ALL=C awk -v dir="$out" '
    /^@@err / { cur = dir "/err." substr($0, 7); if (!(cur in seen)) { seen[cur] = 1; printf "" > cur }; next }
    /^@@end$/ { cur = ""; next }
    { if (cur != "") print > cur; else print > (dir "/stderr.rest") }
  ' "$out/stderr"
  if [ "$(cat "$out/rc")" != 0 ] || [ -s "$out/stderr.rest" ]; then
    fail "$SH $name: script ran cleanly" "rc $(cat "$out/rc"), stderr: $(head -c 600 "$out/stderr.rest" 2>/dev/null)"
  fi
}

# get SCENARIO KEY: a saved result (trailing newlines dropped by the caller's $(...)).
get() {
  local file="$WORLD/out/$1/$2"
  if [ -e "$file" ]; then cat -- "$file"; else printf '<missing>'; fi
}

# expect_key NAME SCENARIO KEY EXPECTED
expect_key() { expect_eq "$SH $1" "$4" "$(get "$2" "$3")"; }

# expect_bytes NAME SCENARIO KEY VALUE: the file holds exactly VALUE plus printenv's newline.
expect_bytes() {
  local file="$WORLD/out/$2/$3"
  if printf '%s\n' "$4" | cmp -s - "$file" 2>/dev/null; then
    pass "$SH $1"
  else
    fail "$SH $1" "expected bytes $(printf '%s\n' "$4" | od -An -c | tr -s ' \n' ' ' | head -c 300), got $(od -An -c "$file" 2>&1 | tr -s ' \n' ' ' | head -c 300)"
  fi
}

# expect_shim_dir NAME SCENARIO STEP PROJECT NAMES: the step's JAILED_SHIMS is
# $XDG_STATE_HOME/jailed/shims/<16 hex>, names PROJECT/.jailed in .project, and holds exactly
# the symlinks NAMES (space separated, sorted) to the jailed binary.
expect_shim_dir() {
  local name=$1 scenario=$2 step=$3 project=$4 names=$5
  local shims listing link bad=
  shims=$(get "$scenario" "$step.JAILED_SHIMS")
  if [[ $shims != "$SHIMS_ROOT/"* ]] || ! [[ ${shims#"$SHIMS_ROOT/"} =~ ^[0-9a-f]{16}$ ]]; then
    fail "$SH $name" "JAILED_SHIMS [$shims] is not $SHIMS_ROOT/<16 hex digits>"
    return
  fi
  [ "$(cat "$shims/.project" 2>/dev/null)" == "$(realpath "$project")/.jailed" ] ||
    bad+="$shims/.project is [$(cat "$shims/.project" 2>&1)], expected [$(realpath "$project")/.jailed]; "
  listing=$(cd "$shims" && for link in * .[!.]*; do
    [ -e "$link" ] || [ -L "$link" ] && [ "$link" != .project ] && printf '%s\n' "$link"
  done | sort | tr '\n' ' ')
  [ "$listing" == "$names " ] || bad+="shim dir holds [$listing], expected [$names ]; "
  for link in $names; do
    [ "$(readlink "$shims/$link")" == "$JAILED_REAL" ] || bad+="$link -> [$(readlink "$shims/$link")]; "
  done
  if [ -z "$bad" ]; then pass "$SH $name"; else fail "$SH $name" "$bad"; fi
}

# shown PATH: how jailed prints a path: ~ for HOME; quoted with \xNN (bytes) or \u{NNNN}
# (a bidi override) escapes when it holds control bytes, invalid UTF-8 or U+202E (only the
# characters used by these tests are handled).
shown() {
  local path=$1 rlo=$'\xe2\x80\xae'
  [[ $path == "$HOME/"* ]] && path="~${path#"$HOME"}"
  if [[ $path == *[$'\x01'-$'\x1f']* || $path == *$'\xff'* || $path == *"$rlo"* ]]; then
    local out='' c i LC_ALL=C
    for ((i = 0; i < ${#path}; i++)); do
      c=${path:i:1}
      if [ "${path:i:3}" == $'\xe2\x80\xae' ]; then
        out+='\u{202e}'
        i=$((i + 2))
        continue
      fi
      case $c in
        '"' | \\) out+="\\$c" ;;
        [[:print:]]) out+=$c ;;
        *) out+=$(printf '\\x%02x' "'$c") ;;
      esac
    done
    path="\"$out\""
  fi
  printf '%s' "$path"
}

loaded_msg() { printf 'jailed: loaded %s (%s)' "$(shown "$1/.jailed")" "$2"; }
unloaded_msg() { printf 'jailed: unloaded %s' "$(shown "$1/.jailed")"; }
not_allowed_msg() { printf "jailed: %s is not allowed; review it, then run 'jailed allow'" "$(shown "$1/.jailed")"; }
nested_new_msg() {
  printf "jailed: %s is new inside the allowed project %s; an agent may have written it: review it before 'jailed allow'" \
    "$1" "$(shown "$2")"
}
changed_msg() { printf "jailed: %s changed since you allowed it; review it ('jailed allow' shows what changed)" "$(shown "$1/.jailed")"; }
denied_msg() { printf "jailed: %s is denied; run 'jailed allow' if you want to trust it" "$(shown "$1/.jailed")"; }

# ---------------------------------------------------------------------------------------------
# Scenarios every shell must pass.

scenario_enter_leave() {
  local p="$WORK/proj"
  allowed_project "$p"
  mkdir -p "$p/sub/deeper"
  run_scenario enter_leave P="$p" <<'EOF'
hook
snap before
export_out before
go in "$P"
snap in
lookup in jailed-demo
export_out in2
prompt in3
snap in3
go sub "$P/sub/deeper"
snap sub
path_front /user/front
path_back /user/back
go out "$WORK"
snap out
lookup out jailed-demo
export_out out2
prompt out3
snap out3
EOF
  local s=enter_leave shims
  shims=$(get $s in.JAILED_SHIMS)
  expect_key "outside: PATH untouched" $s before.PATH "$PATH0"
  expect_key "outside: JAILED_DIR unset" $s before.JAILED_DIR "<unset>"
  expect_key "outside: export prints nothing" $s before.export.out ""
  expect_key "outside: export exits 0" $s before.export.rc 0
  expect_key "enter: one loaded line on stderr" $s err.in "$(loaded_msg "$p" jailed-demo)"
  expect_key "enter: PATH = shim dir + previous PATH" $s in.PATH "$shims:$PATH0"
  expect_key "enter: JAILED_DIR" $s in.JAILED_DIR "$p"
  expect_shim_dir "enter: JAILED_SHIMS is the project's shim dir" $s in "$p" "jailed-demo"
  check "$SH enter: JAILED_STATE set" test "$(get $s in.JAILED_STATE)" != "<unset>" -a -n "$(get $s in.JAILED_STATE)"
  expect_key "enter: the shell finds jailed-demo in the shim dir" $s in.which.jailed-demo "$shims/jailed-demo"
  expect_key "unchanged: export prints nothing" $s in2.export.out ""
  expect_key "unchanged: export says nothing" $s in2.export.err ""
  expect_key "unchanged: export exits 0" $s in2.export.rc 0
  expect_key "unchanged: no message at the next prompt" $s err.in3 ""
  expect_key "unchanged: PATH kept" $s in3.PATH "$shims:$PATH0"
  expect_key "subdirectory: no message" $s err.sub ""
  expect_key "subdirectory: still loaded" $s sub.JAILED_DIR "$p"
  expect_key "subdirectory: PATH kept" $s sub.PATH "$shims:$PATH0"
  expect_key "leave: one unloaded line on stderr" $s err.out "$(unloaded_msg "$p")"
  expect_key "leave: exactly the shim entry removed, user's additions kept in place" $s out.PATH \
    "/user/front:$PATH0:/user/back"
  expect_key "leave: JAILED_DIR unset" $s out.JAILED_DIR "<unset>"
  expect_key "leave: JAILED_SHIMS unset" $s out.JAILED_SHIMS "<unset>"
  expect_key "leave: JAILED_STATE unset" $s out.JAILED_STATE "<unset>"
  expect_key "leave: the shell finds the host command again" $s out.which.jailed-demo "$HOSTBIN/jailed-demo"
  expect_key "left: export prints nothing" $s out2.export.out ""
  expect_key "left: export exits 0" $s out2.export.rc 0
  expect_key "left: no message at the next prompt" $s err.out3 ""
  expect_key "left: PATH kept" $s out3.PATH "/user/front:$PATH0:/user/back"
}

# The shim dir disappears (jailed prune, a cleaned ~/.local/state): the next prompt recreates it
# silently. The .jailed disappears: the next prompt unloads.
scenario_removed() {
  local p="$WORK/removed"
  allowed_project "$p"
  run_scenario removed P="$p" <<'EOF'
hook
go in "$P"
snap in
run rmshims rm -rf "$JAILED_SHIMS"
prompt shims_gone
snap shims_gone
lookup shims_gone jailed-demo
run rmfile rm "$P/.jailed"
prompt file_gone
snap file_gone
lookup file_gone jailed-demo
EOF
  local s=removed shims
  shims=$(get $s in.JAILED_SHIMS)
  expect_key "shim dir removed: recreated without a message" $s err.shims_gone ""
  expect_key "shim dir removed: PATH unchanged" $s shims_gone.PATH "$shims:$PATH0"
  expect_key "shim dir removed: same JAILED_SHIMS" $s shims_gone.JAILED_SHIMS "$shims"
  expect_key "shim dir removed: shim back" $s shims_gone.which.jailed-demo "$shims/jailed-demo"
  expect_shim_dir "shim dir removed: recreated" $s shims_gone "$p" "jailed-demo"
  expect_key ".jailed removed: unloaded" $s err.file_gone "$(unloaded_msg "$p")"
  expect_key ".jailed removed: PATH restored" $s file_gone.PATH "$PATH0"
  expect_key ".jailed removed: JAILED_DIR unset" $s file_gone.JAILED_DIR "<unset>"
  expect_key ".jailed removed: host command found" $s file_gone.which.jailed-demo "$HOSTBIN/jailed-demo"
}

scenario_home_display() {
  local p="$HOME/code/proj"
  allowed_project "$p"
  run_scenario home_display P="$p" <<'EOF'
hook
go in "$P"
go out "$WORK"
EOF
  expect_key "project under HOME: message shows ~" home_display err.in "jailed: loaded ~/code/proj/.jailed (jailed-demo)"
  expect_key "project under HOME: unloaded shows ~" home_display err.out "jailed: unloaded ~/code/proj/.jailed"
}

scenario_not_allowed() {
  local p="$WORK/untrusted"
  make_project "$p"
  mkdir -p "$p/sub"
  run_scenario not_allowed P="$p" <<'EOF'
hook
go in "$P"
snap in
lookup in jailed-demo
prompt p2
prompt p3
go sub "$P/sub"
snap sub
run allow "$JAILED" allow "$P"
prompt allowed
snap allowed
EOF
  local s=not_allowed
  expect_key "not allowed: message" $s err.in "$(not_allowed_msg "$p")"
  expect_key "not allowed: PATH untouched" $s in.PATH "$PATH0"
  expect_key "not allowed: JAILED_DIR unset" $s in.JAILED_DIR "<unset>"
  expect_key "not allowed: JAILED_SHIMS unset" $s in.JAILED_SHIMS "<unset>"
  expect_key "not allowed: host command found" $s in.which.jailed-demo "$HOSTBIN/jailed-demo"
  expect_key "not allowed: no repeat at the 2nd prompt" $s err.p2 ""
  expect_key "not allowed: no repeat at the 3rd prompt" $s err.p3 ""
  expect_key "not allowed: no repeat in a subdirectory" $s err.sub ""
  expect_key "not allowed: still nothing in a subdirectory" $s sub.PATH "$PATH0"
  expect_key "allow while inside: next prompt loads it" $s err.allowed "$(loaded_msg "$p" jailed-demo)"
  local shims
  shims=$(get $s allowed.JAILED_SHIMS)
  expect_key "allow while inside: PATH" $s allowed.PATH "$shims:$PATH0"
  expect_key "allow while inside: JAILED_DIR" $s allowed.JAILED_DIR "$p"
}

scenario_changed() {
  local p="$WORK/edited"
  allowed_project "$p"
  run_scenario changed P="$p" <<'EOF'
hook
go in "$P"
snap in
run edit sh -c 'printf "# edited\n" >> "$1"' sh "$P/.jailed"
prompt edited
snap edited
lookup edited jailed-demo
prompt edited2
run reallow "$JAILED" allow "$P"
prompt reallowed
snap reallowed
EOF
  local s=changed shims
  shims=$(get $s reallowed.JAILED_SHIMS)
  expect_key "changed: loaded first" $s err.in "$(loaded_msg "$p" jailed-demo)"
  expect_key "changed: message names the agents it unloads" $s err.edited "jailed: unloaded jailed-demo: $(changed_msg "$p" | cut -c9-)"
  expect_key "changed: shims removed from PATH" $s edited.PATH "$PATH0"
  expect_key "changed: JAILED_DIR unset" $s edited.JAILED_DIR "<unset>"
  expect_key "changed: JAILED_SHIMS unset" $s edited.JAILED_SHIMS "<unset>"
  expect_key "changed: host command found" $s edited.which.jailed-demo "$HOSTBIN/jailed-demo"
  expect_key "changed: no repeat" $s err.edited2 ""
  expect_key "changed: allow again loads it" $s err.reallowed "$(loaded_msg "$p" jailed-demo)"
  expect_key "changed: PATH after allowing again" $s reallowed.PATH "$shims:$PATH0"
}

scenario_deny() {
  local p="$WORK/denied"
  allowed_project "$p"
  run_scenario deny P="$p" <<'EOF'
hook
go in "$P"
snap in
run deny "$JAILED" deny "$P"
prompt denied
snap denied
prompt denied2
go out "$WORK"
snap out
go again "$P"
snap again
EOF
  local s=deny
  expect_key "deny: run exits 0" $s deny.run.rc 0
  expect_key "deny: message names the agents it unloads" $s err.denied "jailed: unloaded jailed-demo: $(denied_msg "$p" | cut -c9-)"
  expect_key "deny: PATH restored" $s denied.PATH "$PATH0"
  expect_key "deny: JAILED_DIR unset" $s denied.JAILED_DIR "<unset>"
  expect_key "deny: no repeat" $s err.denied2 ""
  expect_key "deny: leaving says nothing" $s err.out ""
  expect_key "deny: leaving keeps PATH" $s out.PATH "$PATH0"
  expect_key "deny: leaving drops JAILED_STATE" $s out.JAILED_STATE "<unset>"
  expect_key "deny: coming back is still blocked" $s err.again "$(denied_msg "$p")"
  expect_key "deny: coming back, PATH untouched" $s again.PATH "$PATH0"
}

scenario_nested() {
  local o="$WORK/outer"
  allowed_project "$o" $'[agent outer]\npackage = host:bash'
  allowed_project "$o/inner" $'[agent inner]\npackage = host:bash'
  make_project "$o/blocked" $'[agent blocked]\npackage = host:bash'
  mkdir -p "$o/plain"
  run_scenario nested O="$o" <<'EOF'
hook
go outer "$O"
snap outer
go inner "$O/inner"
snap inner
lookup inner jailed-outer
lookup inner jailed-inner
go back "$O/plain"
snap back
lookup back jailed-outer
lookup back jailed-inner
go blocked "$O/blocked"
snap blocked
lookup blocked jailed-outer
go back2 "$O"
snap back2
go out "$WORK"
snap out
EOF
  local s=nested outer inner
  outer=$(get $s outer.JAILED_SHIMS)
  inner=$(get $s inner.JAILED_SHIMS)
  expect_key "nested: outer loaded" $s err.outer "$(loaded_msg "$o" jailed-outer)"
  expect_key "nested: outer PATH" $s outer.PATH "$outer:$PATH0"
  expect_shim_dir "nested: outer shim dir" $s outer "$o" "jailed-outer"
  expect_key "nested: inner wins" $s err.inner "$(loaded_msg "$o/inner" jailed-inner)"
  expect_key "nested: inner PATH replaces the outer shim dir" $s inner.PATH "$inner:$PATH0"
  expect_shim_dir "nested: inner shim dir" $s inner "$o/inner" "jailed-inner"
  expect_key "nested: inner JAILED_DIR" $s inner.JAILED_DIR "$o/inner"
  expect_key "nested: outer agent gone inside inner" $s inner.which.jailed-outer "<none>"
  expect_key "nested: inner agent found" $s inner.which.jailed-inner "$inner/jailed-inner"
  expect_key "nested: back up to the outer project loads it" $s err.back "$(loaded_msg "$o" jailed-outer)"
  expect_key "nested: back up PATH" $s back.PATH "$outer:$PATH0"
  expect_key "nested: back up JAILED_DIR" $s back.JAILED_DIR "$o"
  expect_key "nested: back up finds outer agent" $s back.which.jailed-outer "$outer/jailed-outer"
  expect_key "nested: back up drops inner agent" $s back.which.jailed-inner "<none>"
  expect_key "nested: nearest unallowed file blocks, said to be new inside the allowed project" $s err.blocked \
    "$(nested_new_msg blocked/.jailed "$o")"
  expect_key "nested: nearest unallowed file, nothing on PATH" $s blocked.PATH "$PATH0"
  expect_key "nested: nearest unallowed file, JAILED_DIR unset" $s blocked.JAILED_DIR "<unset>"
  expect_key "nested: nearest unallowed file, outer agent gone" $s blocked.which.jailed-outer "<none>"
  expect_key "nested: back to outer from blocked" $s err.back2 "$(loaded_msg "$o" jailed-outer)"
  expect_key "nested: back to outer from blocked, PATH" $s back2.PATH "$outer:$PATH0"
  expect_key "nested: leave" $s out.PATH "$PATH0"
}

scenario_agents() {
  local p="$WORK/agents"
  allowed_project "$p" $'[agent alpha]\npackage = host:bash\n\n[agent beta]\npackage = host:bash\nname = bee'
  run_scenario agents P="$p" <<'EOF'
hook
go in "$P"
snap in
lookup in jailed-alpha
lookup in bee
lookup in jailed-beta
EOF
  local s=agents shims
  shims=$(get $s in.JAILED_SHIMS)
  expect_key "agents: message lists every shim" $s err.in "$(loaded_msg "$p" "jailed-alpha, bee")"
  expect_shim_dir "agents: one shim per agent, name= respected" $s in "$p" "bee jailed-alpha"
  expect_key "agents: jailed-alpha found" $s in.which.jailed-alpha "$shims/jailed-alpha"
  expect_key "agents: bee found" $s in.which.bee "$shims/bee"
  expect_key "agents: no jailed-beta" $s in.which.jailed-beta "<none>"
}

# A tool that saves PATH and puts it back later (direnv reverting its .envrc on leaving or on a
# reload): a shim dir it brings back is removed, one it drops is put back, without a message.
scenario_path_restored() {
  local p="$WORK/restored"
  allowed_project "$p"
  run_scenario path_restored P="$p" <<'EOF'
hook
go in "$P"
snap in
save_path with_shims
go out "$WORK"
snap out
save_path without_shims
restore_path with_shims
prompt stale
snap stale
lookup stale jailed-demo
go in2 "$P"
restore_path without_shims
run status_off "$JAILED" status
prompt dropped
snap dropped
lookup dropped jailed-demo
run status "$JAILED" status
EOF
  local s=path_restored shims
  shims=$(get $s in.JAILED_SHIMS)
  expect_key "PATH restored with an old shim dir: removed at the next prompt" $s stale.PATH "$PATH0"
  expect_key "PATH restored with an old shim dir: host command found" $s stale.which.jailed-demo "$HOSTBIN/jailed-demo"
  expect_key "PATH restored with an old shim dir: no message" $s err.stale ""
  expect_key "PATH restored without the shim dir: put back at the next prompt" $s dropped.PATH "$shims:$PATH0"
  expect_key "PATH restored without the shim dir: shim found" $s dropped.which.jailed-demo "$shims/jailed-demo"
  expect_key "PATH restored without the shim dir: no message" $s err.dropped ""
  expect_contains "$SH PATH restored: status says loaded" "loaded:  yes, in this shell" "$(get $s status.run.out)"
  if [ "$SH" = fish ]; then
    # fish's hook watches PATH and puts the entry back as soon as another tool drops it.
    expect_contains "$SH PATH restored: the entry is back at once" "loaded:  yes, in this shell" "$(get $s status_off.run.out)"
  else
    expect_contains "$SH PATH restored: until the next prompt, status says the commands are off PATH" \
      "loaded:  no: its commands are not on this shell's PATH (the next prompt puts them back)" "$(get $s status_off.run.out)"
  fi
}

# JAILED_LOG_FORMAT shapes the hook's lines as DIRENV_LOG_FORMAT does direnv's; empty: silent.
# JAILED_AGENTS names the loaded commands, for prompts.
scenario_log_format() {
  local p="$WORK/quiet"
  allowed_project "$p" $'[agent alpha]\npackage = host:bash\n\n[agent beta]\npackage = host:bash'
  run_scenario quiet P="$p" JAILED_LOG_FORMAT= <<'EOF'
hook
go in "$P"
snap in
go out "$WORK"
EOF
  expect_key "JAILED_LOG_FORMAT empty: entering says nothing" quiet err.in ""
  expect_key "JAILED_LOG_FORMAT empty: leaving says nothing" quiet err.out ""
  expect_key "JAILED_LOG_FORMAT empty: still loaded" quiet in.JAILED_DIR "$p"
  expect_key "JAILED_AGENTS: the loaded commands" quiet in.JAILED_AGENTS "jailed-alpha jailed-beta"
  run_scenario logfmt P="$p" JAILED_LOG_FORMAT='[j] %s!' <<'EOF'
hook
go in "$P"
snap in
go out "$WORK"
snap out
EOF
  expect_key "JAILED_LOG_FORMAT: the line in that format" logfmt err.in "[j] loaded $(shown "$p/.jailed") (jailed-alpha, jailed-beta)!"
  expect_key "JAILED_AGENTS: unset on leaving" logfmt out.JAILED_AGENTS "<unset>"
}

# shellcheck source=tests/integration/shell_names.sh disable=SC2153  # JAILED_REPO: set by lib.sh
. "$JAILED_REPO/tests/integration/shell_names.sh"

run_common_scenarios() {
  scenario_path_restored
  scenario_log_format
  scenario_enter_leave
  scenario_removed
  scenario_home_display
  scenario_not_allowed
  scenario_changed
  scenario_deny
  scenario_nested
  scenario_agents
  scenario_weird_names
  scenario_refused_names
  scenario_weird_state_home
  scenario_weird_binary
}
