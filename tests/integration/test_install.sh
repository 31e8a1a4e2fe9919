#!/usr/bin/env bash
# A fresh account installs jailed to ~/.local (make install PREFIX=$HOME/.local), adds the
# README's lines to its start-up files, and starts login shells (bash -l, zsh -l, fish -l):
# no error, the hook is installed, doctor sees it in that shell, completions are found, a
# project loads. Then `make uninstall`: the open shell's hook stays silent.
# shellcheck disable=SC2016,SC2088  # the lines are written for the login shells to expand
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
require_tools install make
ROOT=$(cd "$here/../.." && pwd)
BUILD_DIR=$(dirname "$JAILED")
# make install of the binaries under test, never rebuilt here (-o: taken as up to date).
install_jailed() {
  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$ROOT" install PREFIX="$HOME/.local" BUILD="$BUILD_DIR" -o "$BUILD_DIR/jailed" -o "$BUILD_DIR/jailed-landlock"
}
new_world
README="$ROOT/README.md"

# readme_line TEXT: passes if the README holds TEXT as a line, so these are the lines it gives.
readme_line() {
  if grep -qxF -- "$1" "$README"; then pass "install: README gives: $1"; else fail "install: README gives: $1" "not in README.md"; fi
}

BASH_LINE='[ -x ~/.local/bin/jailed ] && eval "$(~/.local/bin/jailed hook bash)"'
ZSH_PATH_LINE='typeset -U path; path=(~/.local/bin $path)'
ZSH_LINE='[[ -x ~/.local/bin/jailed ]] && eval "$(~/.local/bin/jailed hook zsh)"'
BASH_COMPLETION_LINE='[ -r ~/.local/share/bash-completion/completions/jailed ] && . ~/.local/share/bash-completion/completions/jailed'
ZSH_COMPLETION_LINE='fpath=(~/.local/share/zsh/site-functions $fpath); autoload -Uz compinit && compinit'
FISH_PATH_LINE='fish_add_path -g ~/.local/bin'
FISH_LINE='test -x ~/.local/bin/jailed; and ~/.local/bin/jailed hook fish | source'
readme_line "echo '$BASH_LINE' >> ~/.bashrc"
readme_line "echo '$ZSH_PATH_LINE' >> ~/.zshrc"
readme_line "echo '$ZSH_LINE' >> ~/.zshrc"
readme_line "echo '$BASH_COMPLETION_LINE' >> ~/.bashrc"
readme_line "echo '$ZSH_COMPLETION_LINE' >> ~/.zshrc"
readme_line "echo '$FISH_PATH_LINE' >> ~/.config/fish/config.fish"
readme_line "echo '$FISH_LINE' >> ~/.config/fish/config.fish"
readme_line 'make install PREFIX=~/.local'

# A fresh account: Debian's skeleton files, nothing of jailed.
cp -a /etc/skel/. "$HOME/"
out=$(install_jailed 2>&1)
check "install: make install PREFIX=~/.local" test -x "$HOME/.local/bin/jailed" -a -z "$out"
{ echo "$BASH_LINE"; echo "$BASH_COMPLETION_LINE"; } >> "$HOME/.bashrc"
{ echo "$ZSH_PATH_LINE"; echo "$ZSH_LINE"; echo "$ZSH_COMPLETION_LINE"; } >> "$HOME/.zshrc"
mkdir -p "$HOME/.config/fish"
{ echo "$FISH_PATH_LINE"; echo "$FISH_LINE"; } >> "$HOME/.config/fish/config.fish"
mkdir -p "$WORK/proj"
printf '[agent demo]\npackage = host:bash\n' > "$WORK/proj/.jailed"
chmod 644 "$WORK/proj/.jailed"

# login SHELL ARGS...: runs a login shell of a fresh session: only HOME, a system PATH, TERM.
login() { env -i HOME="$HOME" PATH=/usr/local/bin:/usr/bin:/bin TERM=dumb USER="$(id -un)" "$@"; }

# In each shell: start-up says nothing, jailed is on PATH, doctor sees this shell's hook, the
# project is allowed and loads at the next prompt; then jailed is uninstalled and the hook says
# nothing at the next prompt.
# shellcheck disable=SC2016  # the shells expand these
bash_script='cd "$1"; jailed --version; jailed doctor | grep "shell hook"; complete -p jailed
jailed allow --yes . 2>/dev/null; _jailed_hook; command -v jailed-demo
rm ~/.local/bin/jailed; _jailed_hook; echo "after uninstall: $?"'
out=$(login bash -l -i -c "$bash_script" _ "$WORK/proj" 2>"$WORLD/bash.err")
err=$(grep -v -e 'cannot set terminal process group' -e 'no job control' -e '^jailed: ' "$WORLD/bash.err")
expect_eq "install: bash -l starts without an error" "" "$err"
expect_contains "install: bash -l finds jailed on PATH" "jailed 0.1.0" "$out"
expect_contains "install: bash -l: doctor sees the hook of this shell" "installed in this shell (bash)" "$out"
expect_contains "install: bash -l: completion is set up" "complete -F _jailed jailed" "$out"
expect_contains "install: bash -l: the project loads" "/jailed-demo" "$out"
expect_contains "install: bash -l: after an uninstall the hook says nothing and keeps \$?" "after uninstall: 0" "$out"
expect_not_contains "install: bash -l: after an uninstall no error" "No such file" "$(cat "$WORLD/bash.err")"
install_jailed >/dev/null 2>&1

# A shell without the hook: doctor gives the README's line for this install.
out=$(login bash --norc --noprofile -i -c '~/.local/bin/jailed doctor' 2>/dev/null)
expect_contains "install: doctor in a shell without the hook gives the README's line" \
  "add '$BASH_LINE' to ~/.bashrc" "$out"

# Control: the unguarded line runs before ~/.profile puts ~/.local/bin on PATH.
cp "$HOME/.bashrc" "$WORLD/bashrc.saved"
echo 'eval "$(jailed hook bash)"' >> "$HOME/.bashrc"
login bash -l -i -c true >/dev/null 2>"$WORLD/bash.control"
expect_contains "install: control: an unguarded line fails in a login shell" "jailed: command not found" "$(cat "$WORLD/bash.control")"
cp "$WORLD/bashrc.saved" "$HOME/.bashrc"

if command -v zsh >/dev/null; then
  # shellcheck disable=SC2016
  zsh_script='cd "$1"; jailed --version; jailed doctor | grep "shell hook"; echo "completion: $_comps[jailed]"
jailed allow --yes . 2>/dev/null; _jailed_hook; command -v jailed-demo
rm ~/.local/bin/jailed; _jailed_hook; echo "after uninstall: $?"'
  out=$(login zsh -l -i -c "$zsh_script" _ "$WORK/proj" 2>"$WORLD/zsh.err")
  expect_eq "install: zsh -l starts without an error" "" "$(grep -v '^jailed: ' "$WORLD/zsh.err")"
  expect_contains "install: zsh -l finds jailed on PATH" "jailed 0.1.0" "$out"
  expect_contains "install: zsh -l: doctor sees the hook of this shell" "installed in this shell (zsh)" "$out"
  expect_contains "install: zsh -l: completion is set up" "completion: _jailed" "$out"
  expect_contains "install: zsh -l: the project loads" "/jailed-demo" "$out"
  expect_contains "install: zsh -l: after an uninstall the hook says nothing" "after uninstall: 0" "$out"
  install_jailed >/dev/null 2>&1
else
  skip "install: zsh" "zsh is not installed"
fi

if command -v fish >/dev/null; then
  # shellcheck disable=SC2016
  fish_script='cd $argv[1]; jailed --version; jailed doctor | grep "shell hook"
complete -C "jailed al"
jailed allow --yes . 2>/dev/null; emit fish_prompt; command -v jailed-demo
rm ~/.local/bin/jailed; emit fish_prompt; echo "after uninstall: $status"'
  out=$(login fish -l -i -c "$fish_script" "$WORK/proj" 2>"$WORLD/fish.err")
  expect_eq "install: fish -l starts without an error" "" "$(grep -v '^jailed: ' "$WORLD/fish.err")"
  expect_contains "install: fish -l finds jailed on PATH" "jailed 0.1.0" "$out"
  expect_contains "install: fish -l: doctor sees the hook of this shell" "installed in this shell (fish)" "$out"
  expect_contains "install: fish -l: completions from ~/.local/share are found" "allow" "$out"
  expect_contains "install: fish -l: the project loads" "/jailed-demo" "$out"
  expect_contains "install: fish -l: after an uninstall the hook says nothing" "after uninstall: 0" "$out"
else
  skip "install: fish" "fish is not installed"
fi

out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$ROOT" uninstall PREFIX="$HOME/.local" 2>&1)
check "install: make uninstall removes jailed" test ! -e "$HOME/.local/bin/jailed" -a -z "$out"
finish
