#!/usr/bin/env bash
# The daily commands around trust: init writes a starter file; allow shows what it grants and,
# on a terminal (script(1) gives it one), asks before trusting; edit opens the editor and then
# reviews; allow checks the setup (file:line), refuses projects and grants that reach the whole
# home, credential stores or jailed's own files; run -C DIR; -V, examples, unknown actions.
# shellcheck disable=SC2016  # the editor and the jail expand the single-quoted scripts
. "$(dirname "$0")/lib.sh"
require_tools review script bwrap

new_world
P="$WORK/proj"
mkdir -p "$P"

# on_tty INPUT CMD...: runs CMD on a terminal with INPUT typed; OUT holds what the terminal
# showed, RC the exit status.
on_tty() {
  local input=$1
  shift
  OUT=$(printf '%s' "$input" | script -qec "$(printf '%q ' "$@")" /dev/null 2>&1)
  RC=$?
}

# --- init -------------------------------------------------------------------------------------
cd "$P" || exit 1
out=$("$JAILED" init crush mybot 2>&1)
expect_contains "init: says what it wrote and what next" "wrote $P/.jailed; edit and allow it with 'jailed edit'" "$out"
expect_eq "init: the file is the user's and not writable by others" 644 "$(stat -c %a .jailed)"
text=$(cat .jailed)
expect_contains "init: a preset's section" "[agent crush]" "$text"
expect_contains "init: the preset's settings shown as comments" "#   package = github:numtide/llm-agents.nix#crush" "$text"
expect_contains "init: an agent that is no preset gets a package to change" $'[agent mybot]\n' "$text"
expect_contains "init: ... a host program by default" "package = host:mybot" "$text"
out=$("$JAILED" init 2>&1)
expect_eq "init: an existing file is kept (exit 1)" "1" "$?"
expect_contains "init: ... and says how to replace it" "replace it with 'jailed init --force'" "$out"
"$JAILED" init --force >/dev/null 2>&1
expect_contains "init --force: replaced, the presets listed" "Built-in presets: aider," "$(cat .jailed)"
out=$(cd "$HOME" && "$JAILED" init 2>&1)
expect_contains "init: not at the home" "not here: a .jailed at ~ would govern every project in your home" "$out"
out=$("$JAILED" init 'Bad Name' 2>&1)
expect_eq "init: an invalid agent name exits 2" 2 "$?"

# --- allow: the review and the question -------------------------------------------------------
write_jailed "$P" $'[agent demo]\npackage = host:bash\nreadonly = /usr/share\nenv = DEMO_KEY\nsetenv = MODE=x'
on_tty $'n\n' "$JAILED" allow
expect_eq "allow on a terminal: answering no exits 3" 3 "$RC"
expect_contains "allow on a terminal: the whole file first" "  | [agent demo]" "$OUT"
expect_contains "allow on a terminal: what the agent gets" "agent demo (jailed-demo) gets:" "$OUT"
expect_contains "allow on a terminal: ... where it writes" "writes     the project $P" "$OUT"
expect_contains "allow on a terminal: ... what else it reads" "reads      /usr/share" "$OUT"
expect_contains "allow on a terminal: ... its network" "network    off" "$OUT"
expect_contains "allow on a terminal: ... its variables" "variables  DEMO_KEY (from your environment, when set); MODE=x" "$OUT"
expect_contains "allow on a terminal: ... its packages" "packages   host:bash" "$OUT"
expect_contains "allow on a terminal: the question" "allow it? [y/N]" "$OUT"
expect_contains "allow on a terminal: no means nothing changed" "not allowed (nothing changed)" "$OUT"
expect_contains "allow on a terminal: still not allowed" "trust:   not-allowed" "$("$JAILED" status 2>&1)"
on_tty $'\n' "$JAILED" allow
expect_eq "allow on a terminal: Enter alone is no" 3 "$RC"
on_tty $'y\n' "$JAILED" allow
expect_eq "allow on a terminal: yes allows" 0 "$RC"
expect_contains "allow on a terminal: ... and says so" "allowed $P/.jailed (agents: demo)" "$OUT"
printf '# more\n' >> .jailed
on_tty '' "$JAILED" allow --yes
expect_eq "allow --yes on a terminal: no question" 0 "$RC"
expect_not_contains "allow --yes on a terminal: ... none asked" "allow it?" "$OUT"
expect_contains "allow --yes: the diff of the change" "+# more" "$OUT"
printf '# again\n' >> .jailed
out=$("$JAILED" allow 2>&1 </dev/null)
expect_eq "allow without a terminal: no question, allowed" 0 "$?"
expect_not_contains "allow without a terminal: ... none asked" "allow it?" "$out"

# --- edit -------------------------------------------------------------------------------------
cat > "$WORLD/editor" <<'EOF'
#!/bin/sh
printf 'network = on\n' >> "$1"
EOF
chmod 755 "$WORLD/editor"
printf '#!/bin/sh\nprintf "# edited\\n" >> "$1"\n' > "$WORLD/comment-editor"
chmod 755 "$WORLD/comment-editor"
printf '#!/bin/sh\nexit 1\n' > "$WORLD/bad-editor"
chmod 755 "$WORLD/bad-editor"
on_tty $'y\n' env VISUAL="$WORLD/editor" EDITOR=false "$JAILED" edit
expect_eq "edit: VISUAL edits, then the review allows on yes" 0 "$RC"
expect_contains "edit: the review shows the edit" "+network = on" "$OUT"
expect_contains "edit: ... what it now grants" "network    on" "$OUT"
expect_contains "edit: ... and asks" "allow it? [y/N]" "$OUT"
on_tty $'n\n' env -u VISUAL EDITOR="$WORLD/comment-editor" "$JAILED" edit
expect_eq "edit: EDITOR when VISUAL is unset; no keeps it unallowed" 3 "$RC"
expect_contains "edit: ... unallowed" "trust:   changed" "$("$JAILED" status 2>&1)"
out=$(VISUAL="$WORLD/bad-editor" "$JAILED" edit 2>&1)
expect_eq "edit: a failing editor exits 1" 1 "$?"
expect_contains "edit: ... and nothing is allowed" "failed; nothing was allowed" "$out"
out=$(cd "$WORK" && VISUAL="$WORLD/editor" "$JAILED" edit 2>&1)
expect_contains "edit: no .jailed says how to make one" "create one with 'jailed init'" "$out"

# --- allow checks the setup ------------------------------------------------------------------
S="$WORK/setup"
allow_err() { ALLOW_OUT=$("$JAILED" allow "$S" 2>&1 </dev/null); ALLOW_RC=$?; }
write_jailed "$S" $'[agent demo]\npackage = host:bash\nreadonly = /usr/share,/etc\nreadonly = ~/notes'
allow_err
expect_eq "setup: warnings do not refuse" 0 "$ALLOW_RC"
expect_contains "setup: a comma list is named with file:line" "$S/.jailed:3: readonly = /usr/share,/etc holds a ','" "$ALLOW_OUT"
expect_contains "setup: a missing path is named with file:line" "$S/.jailed:4: readonly = ~/notes does not exist" "$ALLOW_OUT"
write_jailed "$S" $'[agent demo]\npackage = host:no-such-program-here'
allow_err
expect_contains "setup: a host program that is not installed" "$S/.jailed:2: agent \"demo\": program \"no-such-program-here\" not found" "$ALLOW_OUT"
mkdir -p "$WORLD/nonix"
ln -s "$(command -v bash)" "$WORLD/nonix/bash"
write_jailed "$S" $'[agent crush]'
ALLOW_OUT=$(PATH="$WORLD/nonix" "$JAILED" allow "$S" 2>&1 </dev/null)
expect_contains "setup: a preset whose program is missing, without Nix: both fixes named" \
  "agent \"crush\": its program \"crush\" is not installed here, and without Nix its package cannot be used: install the agent, or install Nix" "$ALLOW_OUT"
write_jailed "$S" $'[agent demo]\npackage = host:bash\nbackend = nix'
allow_err
expect_eq "setup: host: with backend = nix is refused (exit 4)" 4 "$ALLOW_RC"
expect_contains "setup: ... named with file:line" "$S/.jailed:2: agent \"demo\": package \"host:bash\" is a host program, but backend = nix" "$ALLOW_OUT"
write_jailed "$S" $'[agent demo]\npackage = host:bash\nnetwork = on # it needs it'
allow_err
expect_eq "setup: a trailing comment is refused (exit 4)" 4 "$ALLOW_RC"
expect_contains "setup: ... with the right advice" "$S/.jailed:3: key \"network\": \"#\" looks like a comment, but '#' starts a comment only at the start of a line (put the comment on a line of its own)" "$ALLOW_OUT"
expect_not_contains "setup: ... not the advice to quote" "quote a value" "$ALLOW_OUT"

# Grants: the whole home, credential stores, jailed's own files. Controls: what is allowed.
mkdir -p "$HOME/.ssh" "$HOME/.config/tool" "$HOME/.local/share/jailed"
grant() {
  write_jailed "$S" "$(printf '[agent demo]\npackage = host:bash\n%s' "$1")"
  allow_err
}
grant 'readwrite = ~'
expect_eq "grant of the home is refused (exit 4)" 4 "$ALLOW_RC"
expect_contains "grant of the home: why" "$S/.jailed:3: refusing readwrite = ~: it holds your whole home" "$ALLOW_OUT"
expect_contains "grant of the home: the change was shown first" "+readwrite = ~" "$ALLOW_OUT"
grant "readonly = $(dirname "$HOME")"
expect_eq "grant of a parent of the home is refused" 4 "$ALLOW_RC"
grant 'readonly = ~/.config'
expect_eq "grant of a directory holding jailed's config and credential stores is refused" 4 "$ALLOW_RC"
grant 'readonly = ~/.local/share/jailed'
expect_contains "grant of jailed's own data: why" "it reaches jailed's own files" "$ALLOW_OUT"
XDG_CONFIG_HOME="$WORLD/xdgconf" grant 'config = ~/.config'
expect_contains "config grant holding credential stores: why" "a store of credentials; grant what the agent needs below it" "$ALLOW_OUT"
grant 'readonly = ~/.ssh'
expect_eq "control: naming ~/.ssh itself is explicit and allowed" 0 "$ALLOW_RC"
grant 'readwrite = ~/.config/tool'
expect_eq "control: a directory of the home is allowed" 0 "$ALLOW_RC"

# A launch refuses such a grant too (a file allowed before allow checked grants): here the home
# moves below a granted directory after the allow.
mkdir -p "$WORLD/other/me"
grant "readonly = $WORLD/other"
expect_eq "control: a directory outside the home is granted" 0 "$ALLOW_RC"
out=$(without_session_line "$(cd "$S" && "$JAILED" run demo -c 'echo ran' 2>&1)")
expect_eq "control: ... and the agent runs" "ran" "$out"
out=$(cd "$S" && HOME="$WORLD/other/me" "$JAILED" run demo -c 'echo ran' 2>&1)
expect_eq "a launch refuses a grant that holds the home (exit 4)" 4 "$?"
expect_contains "a launch refuses a grant that holds the home: why" \
  "$S/.jailed:3: refusing $WORLD/other: it holds your whole home" "$out"

# A project at the home governs every project below it: refused by allow, the hook and run.
write_jailed "$HOME" $'[agent demo]\npackage = host:bash'
out=$(cd "$HOME" && "$JAILED" allow 2>&1)
expect_eq "a .jailed at the home: allow refuses (exit 3)" 3 "$?"
expect_contains "a .jailed at the home: why" "refusing ~/.jailed: a .jailed at ~ would govern every project in your home" "$out"
mkdir -p "$HOME/src/x"
out=$(cd "$HOME/src/x" && "$JAILED" export bash 2>&1 >/dev/null)
expect_contains "a .jailed at the home: the hook says so below it" "refusing ~/.jailed" "$out"
out=$(cd "$HOME/src/x" && "$JAILED" run demo -c true 2>&1)
expect_contains "a .jailed at the home: run refuses" "refusing ~/.jailed" "$out"
rm "$HOME/.jailed"

# --- run -C, version, help, actions -----------------------------------------------------------
write_jailed "$P" $'[agent demo]\npackage = host:bash'
"$JAILED" allow "$P" >/dev/null 2>&1
mkdir -p "$P/sub"
out=$(without_session_line "$(cd / && "$JAILED" run -C "$P/sub" demo -c 'echo "ran in $PWD"' 2>&1)")
expect_eq "run -C DIR: the agent of DIR's project, from elsewhere" "ran in $P" "$out"
out=$(without_session_line "$(cd / && "$JAILED" run --directory "$P" demo -c 'echo ran' 2>&1)")
expect_eq "run --directory DIR" "ran" "$out"
out=$(cd / && "$JAILED" run -C "$WORK" demo -c true 2>&1)
expect_contains "run -C DIR without a project: says so" "no .jailed in $WORK" "$out"
expect_contains "-V prints the version" "jailed 0." "$("$JAILED" -V)"
for command in init allow edit run cache hook; do
  expect_contains "$command --help has examples" "examples:"$'\n'"  " "$("$JAILED" "$command" --help)"
done
out=$("$JAILED" cache foo 2>&1)
expect_eq "cache with an unknown action exits 2" 2 "$?"
expect_eq "cache with an unknown action says so" 'jailed: error: jailed cache: unknown action "foo" (list, gc or clear)' "$out"

finish
