#!/usr/bin/env bash
# jailed beside the real direnv, in real interactive bash, zsh and fish (tmux), with both hooks
# installed in either order. .envrc files export variables and PATH_add directories; direnv
# reloads them and reverts them on leaving by restoring the values it saved, PATH included.
# Inside an allowed project the agent's command must stay found; outside, no shim dir may
# remain on PATH; `jailed status` must say what the shell really has.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/shell_common.sh"
require_tools direnv direnv tmux

# shellcheck disable=SC2034  # used by shell_common.sh
SH=direnv
shell_setup
. "$here/tmux.sh"

# snap NAME: what a command started from the shell sees (the exported environment): PATH's
# shim dirs, JAILED_SHIMS, FOO, PATH itself and `jailed status`.
cat > "$WORLD/snap" <<'EOF'
#!/bin/bash
name=$1
printf '%s\n' "$PATH" | tr ':' '\n' | grep '/jailed/shims/' | tr '\n' ' ' > "$OUT/$name.shimdirs"
printf '%s' "${JAILED_SHIMS:-}" > "$OUT/$name.jshims"
printf '%s' "${FOO:-<unset>}" > "$OUT/$name.foo"
printf '%s' "$PATH" > "$OUT/$name.path"
"$JAILED" status > "$OUT/$name.status" 2>&1
EOF
chmod 755 "$WORLD/snap"

# shellcheck disable=SC2031  # OUT is set once, before any subshell
out() { cat -- "$OUT/$1" 2>/dev/null || printf '<missing>'; }

# layout ROOT: ROOT/p holds an allowed .jailed and an .envrc; ROOT/p/sub an .envrc of its own;
# ROOT/e an .envrc with ROOT/e/j, an allowed .jailed, inside it.
layout() {
  local root=$1
  allowed_project "$root/p"
  printf 'export FOO=p\nPATH_add bin\n' > "$root/p/.envrc"
  mkdir -p "$root/p/sub"
  printf 'export FOO=sub\nPATH_add sbin\n' > "$root/p/sub/.envrc"
  mkdir -p "$root/e"
  printf 'export FOO=e\nPATH_add ebin\n' > "$root/e/.envrc"
  allowed_project "$root/e/j"
  if ! { direnv allow "$root/p" && direnv allow "$root/p/sub" && direnv allow "$root/e"; }; then
    fail "direnv: allow the .envrc files" "direnv allow failed"
  fi
}

# inside LABEL NAME: the shell at snapshot NAME has exactly its project's shim dir on PATH and
# finds the agent there.
inside() {
  local label=$1 name=$2 shims
  shims=$(out "$name.jshims")
  expect_eq "$label: the shim dir is on PATH, once" "$shims " "$(out "$name.shimdirs")"
  expect_eq "$label: the shell finds the agent's command" "$shims/jailed-demo" "$(out "$name.cmd")"
  expect_contains "$label: jailed status says loaded" "loaded:  yes, in this shell" "$(out "$name.status")"
}

# outside LABEL NAME: no shim dir on PATH; the host's command of the same name is found.
outside() {
  local label=$1 name=$2
  expect_eq "$label: no shim dir on PATH" "" "$(out "$name.shimdirs")"
  expect_eq "$label: the host's command is found" "$HOSTBIN/jailed-demo" "$(out "$name.cmd")"
}

# look SESSION NAME: types the snapshot and the shell's own lookup of the agent's command.
look() {
  step "$1" "$2" "\"\$WORLD/snap\" $2; command -v jailed-demo > \"\$OUT/$2.cmd\"" || return 1
}

# coexist SHELL ORDER SHELL_CMD DIRENV_HOOK JAILED_HOOK: one shell, both hooks in ORDER
# (direnv-first or jailed-first), through the layout.
coexist() {
  local sh=$1 order=$2 shell_cmd=$3 direnv_hook=$4 jailed_hook=$5
  local session="${sh}_$order" root="$WORK/$sh-$order" label="$sh, $order"
  OUT="$WORLD/out/$session"
  mkdir -p "$OUT"
  layout "$root"
  local envfile="$WORLD/env_$session" var
  {
    for var in HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_CACHE_HOME JAILED OUT WORK WORLD; do
      printf 'export %s=%q\n' "$var" "${!var}"
    done
    printf 'export R=%q PATH=%q TERM=screen PS1=%q\n' "$root" "$PATH0" '$ '
    [ -n "$SCENARIO_LOCALE" ] && printf 'export LANG=%s LC_ALL=%s\n' "$SCENARIO_LOCALE" "$SCENARIO_LOCALE"
  } > "$envfile"
  new_session -d -s "$session" -x 200 -y 50 -c "$WORK" \
    "exec env -i /bin/bash --norc --noprofile -c '. \"\$0\"; exec \"\$@\"' '$envfile' $shell_cmd" || {
    fail "$label: tmux session" "could not start"
    return
  }
  if ! wait_for pane_has_text "$session"; then
    fail "$label: shell started" "no prompt within 30 s"
    return
  fi
  step "$session" ready "cd \"\$WORK\"" || return
  if [ "$order" = direnv-first ]; then
    step "$session" hook1 "$direnv_hook" || return
    step "$session" hook2 "$jailed_hook" || return
  else
    step "$session" hook1 "$jailed_hook" || return
    step "$session" hook2 "$direnv_hook" || return
  fi

  # A project with both files.
  step "$session" enter_p "cd \"\$R/p\"" || return
  look "$session" in_p || return
  inside "$label: in a project with .jailed and .envrc" in_p
  expect_eq "$label: .envrc's variable is set" p "$(out in_p.foo)"
  expect_contains "$label: .envrc's PATH_add is on PATH" "$root/p/bin:" "$(out in_p.path)"

  # direnv reloads (the .envrc's time changes): it reverts to the PATH it saved, then applies.
  step "$session" touch_p "touch -d 2001-01-01 \"\$R/p/.envrc\"" || return
  look "$session" reload_p || return
  inside "$label: after direnv reloads the .envrc" reload_p
  step "$session" reload_cmd "direnv reload" || return
  look "$session" reload_p2 || return
  inside "$label: after 'direnv reload'" reload_p2

  # A nested .envrc inside the project: direnv swaps environments, jailed stays loaded.
  step "$session" enter_sub "cd sub" || return
  look "$session" in_sub || return
  inside "$label: in a subdirectory with its own .envrc" in_sub
  expect_eq "$label: the nested .envrc's variable" sub "$(out in_sub.foo)"

  # Leaving both: direnv restores its saved PATH, which may hold the shim dir.
  step "$session" leave_p "cd \"\$WORK\"" || return
  look "$session" out_p || return
  outside "$label: after leaving the project" out_p
  expect_eq "$label: .envrc's variable unset after leaving" "<unset>" "$(out out_p.foo)"
  expect_contains "$label: status after leaving" "no .jailed in" "$(out out_p.status)"
  step "$session" later "true" || return
  look "$session" out_p2 || return
  outside "$label: a prompt later" out_p2

  # A project inside a directory with an .envrc.
  step "$session" enter_e "cd \"\$R/e\"" || return
  step "$session" enter_j "cd j" || return
  look "$session" in_j || return
  inside "$label: in a project below an .envrc" in_j
  step "$session" touch_e "touch -d 2002-02-02 \"\$R/e/.envrc\"" || return
  look "$session" reload_j || return
  inside "$label: after direnv reloads the .envrc above" reload_j
  step "$session" up_e "cd .." || return
  look "$session" in_e || return
  outside "$label: back in the .envrc's directory" in_e
  expect_eq "$label: the .envrc above still applies" e "$(out in_e.foo)"
  step "$session" leave_e "cd \"\$WORK\"" || return
  look "$session" out_e || return
  outside "$label: after leaving both" out_e
  expect_eq "$label: PATH is as before" "$PATH0" "$(out out_e.path)"

  [ -n "${DEBUG_PANE:-}" ] && pane "$session" >&2
  expect_not_contains "$label: no error in the pane" "rror" "$(pane "$session" | grep -v '^\$ ')"
  type_line "$session" "exit"
  # shellcheck disable=SC2016  # eval expands it at each poll
  wait_for eval '! tm has-session -t "$session" 2>/dev/null' || tm kill-session -t "$session" 2>/dev/null
}

# shellcheck disable=SC2016
for order in direnv-first jailed-first; do
  coexist bash "$order" "bash --norc --noprofile -i" 'eval "$(direnv hook bash)"' 'eval "$("$JAILED" hook bash)"'
  if command -v zsh >/dev/null; then
    coexist zsh "$order" "zsh -f -i" 'eval "$(direnv hook zsh)"' 'eval "$("$JAILED" hook zsh)"'
  else
    skip "direnv with zsh, $order" "zsh is not installed"
  fi
  if command -v fish >/dev/null; then
    coexist fish "$order" "fish --no-config -i" 'direnv hook fish | source' '$JAILED hook fish | source'
  else
    skip "direnv with fish, $order" "fish is not installed"
  fi
done

finish
