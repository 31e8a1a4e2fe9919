#!/usr/bin/env bash
# Host-run files: what host git, hook managers and direnv run from a project after a session.
# Each attack runs for real from inside a jail (host:bash agents, real git), next to a control
# that shows the same edit, made without the jail's protection, is run by the host tool
# (git status, git commit, direnv). Then git = commit: the agent commits under the user's
# identity while config, hooks and the rest stay read-only. Run as root, the suite runs itself
# again as the user alice.
# shellcheck disable=SC2016  # inner shells expand the single-quoted scripts
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_tools test_hostrun bwrap git direnv timeout
AS=${JAILED_HOSTRUN_AS:-$(id -un)}
new_world
MARKS="$WORLD/marks"
mkdir -p "$MARKS"
export GIT_CONFIG_NOSYSTEM=1
git config --global user.name "Owner Of $AS"
git config --global user.email "$AS@example.test"
git config --global init.defaultBranch main
git config --global protocol.file.allow always

t() { printf '%s [%s]' "$1" "$AS"; }  # a check's name, saying who ran it

# jrun DIR AGENT SCRIPT: runs SCRIPT with the agent's bash in DIR; sets OUT and RC.
jrun() {
  OUT=$(cd "$1" && timeout -k 5 60 "$JAILED" run "$2" -c "$3" 2>&1 </dev/null)
  RC=$?
  OUT=$(without_session_line "$OUT")
}

# project DIR [GIT_MODE]: a repository with one commit and a host:bash agent "a", allowed.
project() {
  mkdir -p "$1"
  git -C "$1" init -q
  echo one > "$1/file.txt"
  git -C "$1" add file.txt
  git -C "$1" commit -qm one
  write_jailed "$1" "[agent a]
package = host:bash${2:+
git = $2}"
  "$JAILED" allow "$1" >/dev/null 2>&1
}

# fsmonitor MARK: config text whose core.fsmonitor touches MARK: git runs it on `git status`.
fsmonitor() { printf '[core]\n\tfsmonitor = touch %s; false\n' "$1"; }

# ran NAME MARK: passes if the planted command ran (MARK exists); for controls.
ran() {
  if [ -e "$2" ]; then pass "$(t "$1")"; else fail "$(t "$1")" "the planted command did not run"; fi
}
# not_ran NAME MARK: passes if the planted command did not run.
not_ran() {
  if [ -e "$2" ]; then fail "$(t "$1")" "host ran the command the agent planted ($2 exists)"; else pass "$(t "$1")"; fi
}

# --- 1. a nested repository that host git enters ---------------------------------------------

P="$WORK/nested"
project "$P"
git -C "$P" init -q lib
echo lib > "$P/lib/lib.txt"
git -C "$P/lib" add lib.txt
git -C "$P/lib" commit -qm lib
git -C "$P" add lib 2>/dev/null  # a gitlink: host `git status` at the top enters lib
git -C "$P" commit -qm "add lib"
"$JAILED" allow "$P" >/dev/null 2>&1
before=$(sha256sum < "$P/lib/.git/config")
jrun "$P" a "printf '[core]\n\tfsmonitor = touch $MARKS/nested; false\n' >> lib/.git/config; echo cfg=\$?
git -C lib config core.hooksPath /tmp; echo gitcfg=\$?
echo x > lib/.git/hooks/post-checkout; echo hook=\$?
echo notes > lib/notes.txt; echo plain=\$?"
expect_contains "$(t "nested: the agent cannot write a nested repository's config")" "cfg=1" "$OUT"
expect_not_contains "$(t "nested: ... nor set a key with git")" "gitcfg=0" "$OUT"
expect_contains "$(t "nested: ... nor plant a hook in it")" "hook=1" "$OUT"
expect_contains "$(t "nested: control: its work tree is writable")" "plain=0" "$OUT"
expect_eq "$(t "nested: the config is unchanged on the host")" "$before" "$(sha256sum < "$P/lib/.git/config")"
git -C "$P" status >/dev/null 2>&1
not_ran "nested: host 'git status' at the top runs nothing planted" "$MARKS/nested"
# Control: the same edit made without the jail is run by host git at the project's top.
C="$WORK/nested-control"
cp -a "$P" "$C"
fsmonitor "$MARKS/nested-control" >> "$C/lib/.git/config"
git -C "$C" status >/dev/null 2>&1
ran "nested: control: host 'git status' at the top runs a nested repository's fsmonitor" "$MARKS/nested-control"

# A repository deep in the tree, which the user works in.
mkdir -p "$P/a/b/c/d"
git -C "$P/a/b/c/d" init -q deep
"$JAILED" allow "$P" >/dev/null 2>&1
jrun "$P" a "printf '[core]\n\tfsmonitor = touch $MARKS/deep; false\n' >> a/b/c/d/deep/.git/config; echo cfg=\$?"
expect_contains "$(t "nested: a repository five levels down is protected too")" "cfg=1" "$OUT"
git -C "$P/a/b/c/d/deep" status >/dev/null 2>&1
not_ran "nested: ... host 'git status' in it runs nothing planted" "$MARKS/deep"

# A repository the agent makes is not protected in its session, but from the next launch on,
# whatever the scan's record of the last walk says.
records=$(find "$XDG_CACHE_HOME/jailed/scan" -type f -size +0 2>/dev/null | wc -l)
check "$(t "nested: the scan keeps a record of its walk")" test "$records" -gt 0
jrun "$P" a 'git init -q made/by/agent && echo made'
expect_eq "$(t "nested: the agent can make a repository in its session")" "made" "$OUT"
jrun "$P" a "printf '[core]\n\tfsmonitor = touch $MARKS/made; false\n' >> made/by/agent/.git/config; echo cfg=\$?"
expect_contains "$(t "nested: ... whose config is read-only from the next launch on")" "cfg=1" "$OUT"
"$JAILED" cache clear >/dev/null 2>&1
check_fails "$(t "nested: 'jailed cache clear' drops the walk records")" test -e "$XDG_CACHE_HOME/jailed/scan"

# A .git symlink in the tree refuses the start: host git follows it.
ln -s ../lib/.git "$P/a/.git"
jrun "$P" a 'echo started'
expect_eq "$(t "nested: a .git symlink in the tree refuses the start (exit 3)")" "3" "$RC"
expect_contains "$(t "nested: ... naming it")" "$P/a/.git is a symlink" "$OUT"
rm "$P/a/.git"

# --- 2. a .git file naming a git dir inside the project ---------------------------------------

G="$WORK/gitfile"
project "$G"
mkdir -p "$G/store"
git init -q --separate-git-dir "$G/store/work.git" "$G/work"
echo w > "$G/work/w.txt"
git -C "$G/work" add w.txt
git -C "$G/work" commit -qm w
"$JAILED" allow "$G" >/dev/null 2>&1
jrun "$G" a "printf '[core]\n\tfsmonitor = touch $MARKS/gitfile; false\n' >> store/work.git/config; echo cfg=\$?
echo 'gitdir: ../elsewhere' > work/.git; echo pointer=\$?"
expect_contains "$(t "gitfile: the git dir a .git file names cannot be written")" "cfg=1" "$OUT"
expect_contains "$(t "gitfile: ... nor the .git file itself")" "pointer=1" "$OUT"
git -C "$G/work" status >/dev/null 2>&1
not_ran "gitfile: host 'git status' in the work tree runs nothing planted" "$MARKS/gitfile"
C="$WORK/gitfile-control"
cp -a "$G" "$C"
printf 'gitdir: %s\n' "$C/store/work.git" > "$C/work/.git"
fsmonitor "$MARKS/gitfile-control" >> "$C/store/work.git/config"
git -C "$C/work" status >/dev/null 2>&1
ran "gitfile: control: host git runs the config of the git dir a .git file names" "$MARKS/gitfile-control"

# --- 3. a config included from the work tree --------------------------------------------------

I="$WORK/include"
project "$I"
printf '[user]\n\tname = Team\n' > "$I/team.gitconfig"
git -C "$I" config include.path ../team.gitconfig
"$JAILED" allow "$I" >/dev/null 2>&1
jrun "$I" a "printf '[core]\n\tfsmonitor = touch $MARKS/include; false\n' >> team.gitconfig; echo cfg=\$?"
expect_contains "$(t "include: a config included from the work tree cannot be written")" "cfg=1" "$OUT"
git -C "$I" status >/dev/null 2>&1
not_ran "include: host 'git status' runs nothing planted" "$MARKS/include"
C="$WORK/include-control"
cp -a "$I" "$C"
fsmonitor "$MARKS/include-control" >> "$C/team.gitconfig"
git -C "$C" status >/dev/null 2>&1
ran "include: control: host git runs what an included work-tree config says" "$MARKS/include-control"

# --- 4. hook trampolines: husky 9 and the configs of hook managers ----------------------------

H="$WORK/husky"
project "$H"
mkdir -p "$H/.husky/_"
# husky 9's layout: core.hooksPath = .husky/_, whose hooks run .husky/<hook> when it exists.
printf '#!/bin/sh\nh="$(dirname "$(dirname "$0")")/$(basename "$0")"\n[ -f "$h" ] && . "$h"\nexit 0\n' > "$H/.husky/_/pre-commit"
chmod +x "$H/.husky/_/pre-commit"
git -C "$H" config core.hooksPath .husky/_
echo 'pre-commit: {}' > "$H/lefthook.yml"
printf 'repos: []\n' > "$H/.pre-commit-config.yaml"
echo '{}' > "$H/.lintstagedrc.json"
"$JAILED" allow "$H" >/dev/null 2>&1
jrun "$H" a "printf 'touch $MARKS/husky\n' > .husky/pre-commit; echo hook=\$?
echo 'pre-commit: {commands: {x: {run: evil}}}' > lefthook.yml; echo lefthook=\$?
echo 'repos: [{repo: local}]' > .pre-commit-config.yaml; echo precommit=\$?
echo '{\"*\": \"evil\"}' > .lintstagedrc.json; echo lintstaged=\$?
echo ok > notes.txt; echo plain=\$?"
expect_contains "$(t "hooks: no script can be added to .husky, which husky's hooks run")" "hook=1" "$OUT"
expect_contains "$(t "hooks: lefthook.yml is read-only")" "lefthook=1" "$OUT"
expect_contains "$(t "hooks: .pre-commit-config.yaml is read-only")" "precommit=1" "$OUT"
expect_contains "$(t "hooks: lint-staged's config is read-only")" "lintstaged=1" "$OUT"
expect_contains "$(t "hooks: control: the rest of the project is writable")" "plain=0" "$OUT"
echo two >> "$H/file.txt"
git -C "$H" commit -qam two >/dev/null 2>&1
not_ran "hooks: host 'git commit' runs nothing planted" "$MARKS/husky"
C="$WORK/husky-control"
cp -a "$H" "$C"
printf 'touch %s\n' "$MARKS/husky-control" > "$C/.husky/pre-commit"
echo three >> "$C/file.txt"
git -C "$C" commit -qam three >/dev/null 2>&1
ran "hooks: control: host 'git commit' runs a script written to .husky" "$MARKS/husky-control"

# --- 5. what an allowed .envrc loads ---------------------------------------------------------

E="$WORK/envrc"
project "$E"
printf 'source_env_if_exists .envrc.local\nPATH_add bin tools/bin\nuse flake\n' > "$E/.envrc"
echo '{ outputs = _: {}; }' > "$E/flake.nix"
mkdir -p "$E/tools"
"$JAILED" allow "$E" >/dev/null 2>&1
direnv allow "$E" >/dev/null 2>&1
explain_out=$(cd "$E" && "$JAILED" explain a 2>&1)
expect_contains "$(t "envrc: explain names the placeholder for the missing .envrc.local")" \
  "$E/.envrc.local <- /dev/null	placeholder: the .envrc loads it (source_env_if_exists)" "$explain_out"
jrun "$E" a "echo 'touch $MARKS/envrc-local' > .envrc.local; echo local=\$?
mkdir -p bin; printf '#!/bin/sh\ntouch $MARKS/envrc-bin\n' > bin/ls; echo bin=\$?
echo '# planted' >> flake.nix; echo flake=\$?
echo ok > tools/notes.txt; echo plain=\$?
mv tools tools-aside; echo moved=\$?"
expect_contains "$(t "envrc: the agent cannot create the .envrc.local it sources")" "local=1" "$OUT"
expect_contains "$(t "envrc: ... nor put a program in the directory PATH_add names")" "bin=1" "$OUT"
expect_contains "$(t "envrc: ... nor edit the flake 'use flake' evaluates")" "flake=1" "$OUT"
expect_contains "$(t "envrc: control: other directories are writable")" "plain=0" "$OUT"
expect_contains "$(t "envrc: ... but the directory holding a placeholder cannot be moved aside")" "moved=1" "$OUT"
check_fails "$(t "envrc: ... and no tools/bin was planted")" test -e "$E/tools/bin/ls"
check_fails "$(t "envrc: the placeholder .envrc.local on the host is empty")" test -s "$E/.envrc.local"
check_fails "$(t "envrc: ... and the flake is unchanged")" grep -q planted "$E/flake.nix"
explain_out=$(cd "$E" && "$JAILED" explain a 2>&1)
expect_contains "$(t "envrc: ... and protects it at the next launch")" "$E/.envrc.local	protected: the .envrc loads it (source_env_if_exists)" "$explain_out"
# mise trusts its config by path: it is protected like .envrc.
printf '[env]\nX = "1"\n' > "$E/mise.toml"
jrun "$E" a 'printf "[hooks]\nenter = \"touch evil\"\n" >> mise.toml; echo mise=$?; echo "x 1" >> .tool-versions; echo versions=$?'
expect_contains "$(t "envrc: mise.toml is read-only")" "mise=1" "$OUT"
expect_contains "$(t "envrc: a missing .tool-versions is not held (explain lists such names)")" "versions=0" "$OUT"
# Control: direnv sources an .envrc.local that appears, with no new allow.
C="$WORK/envrc-control"
mkdir -p "$C"
printf 'source_env_if_exists .envrc.local\n' > "$C/.envrc"
direnv allow "$C" >/dev/null 2>&1
echo "touch $MARKS/envrc-control" > "$C/.envrc.local"
(cd "$C" && direnv exec "$C" true >/dev/null 2>&1)
ran "envrc: control: direnv sources a new .envrc.local without a new allow" "$MARKS/envrc-control"

# direnv's layouts put project directories on PATH (layout node: node_modules/.bin, layout php:
# vendor/bin); a one-liner `if ...; then source_env FILE; fi` loads FILE.
L="$WORK/layout"
project "$L"
mkdir -p "$L/node_modules" "$L/vendor"
printf 'layout node\nlayout php\nif [ -f .envrc.local ]; then source_env .envrc.local; fi\n' > "$L/.envrc"
"$JAILED" allow "$L" >/dev/null 2>&1
direnv allow "$L" >/dev/null 2>&1
jrun "$L" a "mkdir -p node_modules/.bin; printf '#!/bin/sh\ntouch $MARKS/layout-node\n' > node_modules/.bin/ls; echo node=\$?
mkdir -p vendor/bin; printf '#!/bin/sh\ntouch $MARKS/layout-php\n' > vendor/bin/ls; echo php=\$?
echo 'touch $MARKS/layout-local' > .envrc.local; echo local=\$?
echo ok > node_modules/pkg.txt; echo plain=\$?"
expect_contains "$(t "layout: the agent cannot put a program in node_modules/.bin (layout node)")" "node=1" "$OUT"
expect_contains "$(t "layout: ... nor in vendor/bin (layout php)")" "php=1" "$OUT"
expect_contains "$(t "layout: ... nor create the .envrc.local an if-then line sources")" "local=1" "$OUT"
expect_contains "$(t "layout: control: node_modules itself stays writable")" "plain=0" "$OUT"
(cd "$L" && direnv exec "$L" ls >/dev/null 2>&1)
not_ran "layout: direnv runs nothing planted" "$MARKS/layout-local"
not_ran "layout: ... and no planted ls ran" "$MARKS/layout-node"
C="$WORK/layout-control"
mkdir -p "$C/node_modules/.bin"
printf 'layout node\nif [ -f .envrc.local ]; then source_env .envrc.local; fi\n' > "$C/.envrc"
direnv allow "$C" >/dev/null 2>&1
printf '#!/bin/sh\ntouch %s\n' "$MARKS/layout-control" > "$C/node_modules/.bin/ls"
chmod +x "$C/node_modules/.bin/ls"
echo "touch $MARKS/layout-local-control" > "$C/.envrc.local"
(cd "$C" && direnv exec "$C" ls >/dev/null 2>&1)
ran "layout: control: direnv runs a program in node_modules/.bin (layout node)" "$MARKS/layout-control"
ran "layout: control: direnv sources the file an if-then line names" "$MARKS/layout-local-control"
expect_contains "$(t "layout: explain names a line it cannot follow")" "cannot follow" \
  "$(printf 'eval "source_env hidden"\n' >> "$L/.envrc"; direnv allow "$L" >/dev/null 2>&1; cd "$L" && "$JAILED" explain a 2>&1)"

# core.hooksPath and include.path naming what does not exist yet: held empty, read-only.
G="$WORK/missing-git-targets"
project "$G"
git -C "$G" config core.hooksPath .githooks
git -C "$G" config include.path ../.gitconfig.project
"$JAILED" allow "$G" >/dev/null 2>&1
explain_out=$(cd "$G" && "$JAILED" explain a 2>&1)
expect_contains "$(t "git targets: explain lists the hooks placeholder")" \
  "placeholder: host git runs the hooks in it (core.hooksPath)" "$explain_out"
expect_contains "$(t "git targets: ... and the include placeholder")" \
  "$G/.gitconfig.project <- /dev/null	placeholder: host git includes it from" "$explain_out"
jrun "$G" a "mkdir -p .githooks; printf '#!/bin/sh\ntouch $MARKS/hookspath\n' > .githooks/pre-commit; echo hook=\$?
printf '[core]\n\tfsmonitor = touch $MARKS/include-missing; false\n' > .gitconfig.project; echo cfg=\$?"
expect_contains "$(t "git targets: the agent cannot create a hook in a missing core.hooksPath")" "hook=1" "$OUT"
expect_contains "$(t "git targets: ... nor the missing file include.path names")" "cfg=1" "$OUT"
git -C "$G" status >/dev/null 2>&1
git -C "$G" commit -q --allow-empty -m two >/dev/null 2>&1
not_ran "git targets: host git runs no planted hook" "$MARKS/hookspath"
not_ran "git targets: ... nor a planted include" "$MARKS/include-missing"
C="$WORK/missing-git-targets-control"
project "$C"
git -C "$C" config core.hooksPath .githooks
git -C "$C" config include.path ../.gitconfig.project
mkdir -p "$C/.githooks"
printf '#!/bin/sh\ntouch %s\n' "$MARKS/hookspath-control" > "$C/.githooks/pre-commit"
chmod +x "$C/.githooks/pre-commit"
fsmonitor "$MARKS/include-missing-control" > "$C/.gitconfig.project"
git -C "$C" status >/dev/null 2>&1
git -C "$C" commit -q --allow-empty -m two >/dev/null 2>&1
ran "git targets: control: host git runs a hook that appears in core.hooksPath" "$MARKS/hookspath-control"
ran "git targets: control: ... and a config that appears at include.path" "$MARKS/include-missing-control"

# A git planted in a project directory on the caller's PATH: jailed asks host git for the
# identity at launch (git = commit) and must not run it.
B="$WORK/planted-git"
project "$B" commit
mkdir -p "$B/bin"
jrun "$B" a "printf '#!/bin/sh\ntouch $MARKS/planted-git\nexec /usr/bin/git \"\$@\"\n' > bin/git && chmod +x bin/git; echo git=\$?"
expect_contains "$(t "planted git: the agent can write bin/git")" "git=0" "$OUT"
OUT=$(cd "$B" && PATH="$B/bin:$PATH" timeout -k 5 60 "$JAILED" run a -c 'echo "$GIT_AUTHOR_NAME"' 2>&1 </dev/null)
expect_contains "$(t "planted git: the launch still finds the identity")" "Owner Of $AS" "$OUT"
not_ran "planted git: jailed does not run a git from the project on PATH" "$MARKS/planted-git"
(cd "$B" && PATH="$B/bin:$PATH" git --version >/dev/null 2>&1)
ran "planted git: control: that PATH runs the planted git" "$MARKS/planted-git"

# A hard link survives a move: a file the agent made and linked elsewhere, moved by the user
# into .git/hooks, would be rewritten through the other name. The launch refuses it.
K="$WORK/hardlink"
project "$K"
jrun "$K" a "printf '#!/bin/sh\nexit 0\n' > lint-hook && chmod +x lint-hook && ln lint-hook notes.txt; echo linked=\$?"
expect_contains "$(t "hard link: the agent links a file it made")" "linked=0" "$OUT"
mv "$K/lint-hook" "$K/.git/hooks/pre-commit"
jrun "$K" a "printf '#!/bin/sh\ntouch $MARKS/hardlink\n' > notes.txt; echo wrote=\$?"
expect_contains "$(t "hard link: a launch with a linked hook is refused, naming it")" \
  "refusing to start: $K/.git/hooks/pre-commit has 2 hard links" "$OUT"
expect_not_contains "$(t "hard link: ... before the agent runs")" "wrote=" "$OUT"
git -C "$K" commit -q --allow-empty -m two >/dev/null 2>&1
not_ran "hard link: host git runs nothing planted" "$MARKS/hardlink"
# Control: written through the other name, the hook changes and git runs it.
printf '#!/bin/sh\ntouch %s\n' "$MARKS/hardlink-control" > "$K/notes.txt"
git -C "$K" commit -q --allow-empty -m three >/dev/null 2>&1
ran "hard link: control: a write to the other name rewrites the hook git runs" "$MARKS/hardlink-control"
cp -p "$K/.git/hooks/pre-commit" "$K/.git/hooks/pre-commit.new" && mv "$K/.git/hooks/pre-commit.new" "$K/.git/hooks/pre-commit"
jrun "$K" a 'echo started'
expect_contains "$(t "hard link: with its own copy the launch works again")" "started" "$OUT"

# --- 6. agent and editor directories that do not exist yet -----------------------------------

A="$WORK/dirs"
project "$A"
mkdir -p "$A/.gemini"  # present but empty: protected whole, so nothing can be added
jrun "$A" a 'mkdir -p .claude && echo "{\"hooks\": {}}" > .claude/settings.json; echo claude=$?
mkdir -p .vscode && echo "{}" > .vscode/tasks.json; echo vscode=$?
mkdir -p .codex && echo "[mcp_servers]" > .codex/config.toml; echo codex=$?
mkdir -p .direnv && echo "touch evil" > .direnv/flake-profile.rc; echo direnv=$?
echo "{}" > .gemini/settings.json; echo gemini=$?
mkdir -p other && echo ok > other/x; echo plain=$?'
expect_contains "$(t "dirs: .claude/settings.json cannot be created where .claude was missing")" "claude=1" "$OUT"
expect_contains "$(t "dirs: ... nor .vscode/tasks.json")" "vscode=1" "$OUT"
expect_contains "$(t "dirs: ... nor .codex/config.toml")" "codex=1" "$OUT"
expect_contains "$(t "dirs: ... nor a cache direnv would source in .direnv")" "direnv=1" "$OUT"
expect_contains "$(t "dirs: ... nor a file in an existing .gemini")" "gemini=1" "$OUT"
expect_contains "$(t "dirs: control: a new directory elsewhere can be made")" "plain=0" "$OUT"
left=$(cd "$A" && find .claude .vscode .codex .direnv -mindepth 1 2>/dev/null | wc -l)
expect_eq "$(t "dirs: the placeholders left on the host are empty")" "0" "$left"
expect_eq "$(t "dirs: ... and git does not see them")" "?? other/" "$(git -C "$A" status --porcelain | grep -v '^?? \.jailed$')"

# --- 7. what protection by path leaves open is said -------------------------------------------

explain_out=$(cd "$P" && "$JAILED" explain a 2>&1)
expect_contains "$(t "explain: says what is not protected by path")" "not protected by path" "$explain_out"
expect_contains "$(t "explain: ... names missing at launch")" "names missing at launch, which the agent may create: " "$explain_out"
expect_contains "$(t "explain: ... .mcp.json among them")" ".mcp.json" "$explain_out"
expect_contains "$(t "explain: ... and repositories the agent makes")" "repositories the agent makes (git init DIR)" "$explain_out"
expect_contains "$(t "explain: git = read by default")" "git:       read (.git read-only)" "$explain_out"
json_out=$(cd "$P" && "$JAILED" explain a --json 2>&1)
expect_contains "$(t "explain --json: lists what is not protected")" '"unprotected":["names missing at launch' "$json_out"

# --- 8. git = commit --------------------------------------------------------------------------

K="$WORK/commit"
project "$K" commit
printf '[core]\n\tbare = false\n' > "$K/inc.gitconfig"
git -C "$K" config include.path ../inc.gitconfig
git -C "$K" init -q nested
"$JAILED" allow "$K" >/dev/null 2>&1
config_before=$(sha256sum < "$K/.git/config")
jrun "$K" a 'echo change >> file.txt && git add file.txt && git commit -qm "made inside" && echo committed
git log -1 --format="author=%an <%ae>"
git config core.fsmonitor evil; echo config=$?
echo x > .git/hooks/pre-commit; echo hook=$?
mkdir -p .git/info; echo "* diff=evil" > .git/info/attributes; echo info=$?
echo ../elsewhere > .git/commondir; echo commondir=$?
echo "[core]" >> inc.gitconfig; echo include=$?
echo "[core]" >> nested/.git/config; echo nested=$?
mv .git .git-aside; echo moved=$?'
expect_contains "$(t "commit: the agent commits")" "committed" "$OUT"
expect_contains "$(t "commit: ... under the host user's identity")" "author=Owner Of $AS <$AS@example.test>" "$OUT"
expect_eq "$(t "commit: the commit is in the host's repository")" "made inside" "$(git -C "$K" log -1 --format=%s)"
expect_not_contains "$(t "commit: .git/config stays read-only")" "config=0" "$OUT"
expect_contains "$(t "commit: .git/hooks stays read-only")" "hook=1" "$OUT"
expect_contains "$(t "commit: .git/info stays read-only")" "info=1" "$OUT"
expect_contains "$(t "commit: no commondir can point host git elsewhere")" "commondir=1" "$OUT"
expect_contains "$(t "commit: an included config stays read-only")" "include=1" "$OUT"
expect_contains "$(t "commit: a nested repository's config stays read-only")" "nested=1" "$OUT"
expect_contains "$(t "commit: .git cannot be moved aside")" "moved=1" "$OUT"
expect_eq "$(t "commit: .git/config is unchanged on the host")" "$config_before" "$(sha256sum < "$K/.git/config")"
expect_eq "$(t "commit: host git works with the commondir placeholder")" "$K/.git" "$(cd "$K" && git rev-parse --path-format=absolute --git-common-dir)"
check "$(t "commit: host 'git status' works after the session")" git -C "$K" status
explain_out=$(cd "$K" && "$JAILED" explain a 2>&1)
expect_contains "$(t "commit: explain says git = commit")" "git:       commit" "$explain_out"
expect_contains "$(t "commit: explain names the identity given")" "GIT_AUTHOR_EMAIL=$AS@example.test" "$explain_out"
expect_contains "$(t "commit: explain says what commit mode leaves open")" "git = commit: a repository the agent stages as a gitlink" "$explain_out"
out=$(cd "$K" && HOME="$WORLD/nobody" "$JAILED" explain a 2>&1)
expect_contains "$(t "commit: without an identity on the host, explain says commits will fail")" \
  "note: git = commit, but git has no user.name and user.email here" "$out"
# Control: git = read, the default, refuses the commit.
R="$WORK/read"
project "$R"
jrun "$R" a 'echo change >> file.txt && git add file.txt && echo staged'
expect_not_contains "$(t "commit: control: with git = read the agent cannot stage")" "staged" "$OUT"
expect_contains "$(t "commit: control: ... as .git is read-only")" "Read-only file system" "$OUT"

# --- as the unprivileged user ------------------------------------------------------------------

if [ "$(id -u)" -eq 0 ] && [ -z "${JAILED_HOSTRUN_AS:-}" ]; then rerun_as_alice JAILED_HOSTRUN_AS; fi
finish
