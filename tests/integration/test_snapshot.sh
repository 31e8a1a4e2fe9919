#!/usr/bin/env bash
# Snapshots, session review and restore, for real: an agent script in a real jail wrecks a
# project (deletes, rewrites, changes modes, plants links to the home and to /, adds an .envrc
# and a nested repository); the session's line names what host tools run; restore brings back
# a byte-identical tree (every path, kind, mode, content hash and link target compared) and
# writes nothing outside the project. Run as root, the suite runs itself again as alice.
# shellcheck disable=SC2016  # the jailed scripts are single-quoted on purpose
# shellcheck source=tests/integration/lib.sh
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
require_tools test_snapshot bwrap python3 git timeout
new_world
T=${JAILED_SNAPSHOT_AS:+[$JAILED_SNAPSHOT_AS] }
t() { printf '%s%s' "$T" "$1"; }

# manifest DIR: every path beneath DIR but node_modules (excluded from snapshots) and the empty
# placeholders a launch leaves where agents' settings would go, with kind, mode, SHA-256 or link
# target; names are written with Python's repr, so newlines and invalid UTF-8 stay one line each.
manifest() {
  python3 - "$1" <<'PY'
import hashlib, os, stat, sys
root = os.fsencode(sys.argv[1])
PLACEHOLDERS = {b".claude", b".codex", b".gemini", b".vscode", b".direnv"}
for top, dirs, files in os.walk(root):
    dirs.sort()
    if top == root and b"node_modules" in dirs:
        dirs.remove(b"node_modules")
    for name in sorted(dirs + files):
        path = os.path.join(top, name)
        st = os.lstat(path)
        if top == root and name in PLACEHOLDERS and stat.S_ISDIR(st.st_mode) and not os.listdir(path):
            continue
        rel = os.path.relpath(path, root)
        if stat.S_ISLNK(st.st_mode):
            what = b"link " + os.readlink(path)
        elif stat.S_ISDIR(st.st_mode):
            what = b"dir"
        else:
            what = b"file " + hashlib.sha256(open(path, "rb").read()).hexdigest().encode()
        print(repr(rel), oct(stat.S_IMODE(st.st_mode)), repr(what))
PY
}

P="$WORK/proj"
mkdir -p "$P/src" "$P/docs" "$P/lib/deep" "$P/empty dir" "$P/bin"
write_jailed "$P" $'[agent sh]\npackage = host:bash\n\n[jail]\nsnapshot-exclude = node_modules'
out=$("$JAILED" allow "$P" 2>&1) || { fail "$(t "setup: allow")" "$out"; finish; exit 0; }
printf 'int main(void) { return 0; }\n' > "$P/src/main.c"
printf 'line one\nline two\n' > "$P/README"
printf 'guide\n' > "$P/docs/guide.md"
printf 'deep\n' > "$P/lib/deep/core.txt"
printf '#!/bin/sh\necho tool\n' > "$P/bin/tool" && chmod 755 "$P/bin/tool"
printf 'spaces\n' > "$P/name with spaces"
printf 'newline\n' > "$P/$(printf 'new\nline')"
printf 'invalid\n' > "$P/$(printf 'bad\377name')"
ln -s README "$P/readme.link"
mkdir -p "$P/node_modules/pkg" && printf 'big\n' > "$P/node_modules/pkg/index.js"
git -C "$P" init -q && git -C "$P" -c user.name=t -c user.email=t@t add -A && git -C "$P" -c user.name=t -c user.email=t@t commit -qm one
BEFORE=$(manifest "$P")

# --- a session that wrecks the project -----------------------------------------------------------
AGENT='rm README; chmod 600 src/main.c; echo changed >> src/main.c
rm -r docs; ln -s "$HOME" docs; rm -r lib; ln -s / lib; rm readme.link; ln -s /etc/passwd readme.link
echo junk > junk.txt; echo "export EVIL=1" > .envrc; mkdir -p vendor/x/.git; echo "[core]" > vendor/x/.git/config
printf "x" > bin/new-tool; chmod 755 bin/new-tool; echo new > node_modules/pkg/new.js
exit 7'
err=$(cd "$P" && timeout -k 5 60 "$JAILED" run sh -c "$AGENT" 2>&1 >/dev/null </dev/null)
rc=$?
expect_eq "$(t "session: the agent's exit status passes through")" 7 "$rc"
summary=$(printf '%s\n' "$err" | grep '^jailed: sh:')
expect_contains "$(t "session: one line counts what changed")" "added" "$summary"
expect_contains "$(t "session: the line warns of the new .envrc")" ".envrc" "$summary"
expect_contains "$(t "session: the line warns of the nested .git")" "vendor/x/.git" "$summary"
expect_contains "$(t "session: the line warns of the new executable")" "bin/new-tool" "$summary"
expect_eq "$(t "session: exactly one line")" 1 "$(printf '%s\n' "$err" | grep -c '^jailed: sh:')"
log=$(cd "$P" && "$JAILED" log --json)
expect_contains "$(t "log: the session with its status")" '"agent":"sh"' "$log"
expect_contains "$(t "log: ... exit status 7")" '"status":7' "$log"
expect_contains "$(t "log: ... and the host tool files")" '".envrc"' "$log"

names=$(cd "$P" && "$JAILED" diff --name-only)
expect_contains "$(t "diff --name-only: a deleted file")" "README" "$names"
expect_contains "$(t "diff --name-only: a replaced directory")" "docs" "$names"
expect_not_contains "$(t "diff: excluded paths are left out")" "node_modules" "$names"
diff_out=$(cd "$P" && "$JAILED" diff src/main.c)
expect_contains "$(t "diff: a unified diff of a text change")" "+changed" "$diff_out"
expect_contains "$(t "diff: the mode change in words")" "new mode 100600" "$diff_out"
expect_not_contains "$(t "diff: no colour when not on a terminal")" $'\033[' "$diff_out"
expect_contains "$(t "diff --stat: the link to / in words")" "lib | type" "$(cd "$P" && "$JAILED" diff --stat)"

# --- restore -----------------------------------------------------------------------------------
# Controls: the agent did plant the links, and a restore that writes by path follows them.
check "$(t "control: the agent replaced docs by a link to the home")" test -L "$P/docs"
check "$(t "control: ... and lib by a link to /")" test "$(readlink "$P/lib")" = /
mkdir -p "$WORLD/decoy" "$WORK/naive"
ln -s "$WORLD/decoy" "$WORK/naive/docs"
cp "$WORK/naive/../proj/src/main.c" "$WORK/naive/docs/guide.md" 2>/dev/null
check "$(t "control: writing a restored path by name goes through the planted link")" test -e "$WORLD/decoy/guide.md"
AFTER=$(manifest "$P")
home_before=$(manifest "$HOME/.ssh" 2>/dev/null; ls -a "$HOME")
out=$(cd "$P" && "$JAILED" restore --delete 2>&1)
expect_contains "$(t "restore: says how to undo it")" "undo with 'jailed restore" "$out"
undo=$(printf '%s\n' "$out" | sed -n "s/.*undo with 'jailed restore \([0-9]*\) --delete'.*/\1/p")
expect_eq "$(t "restore: the tree is byte-identical to before the session")" "$BEFORE" "$(manifest "$P")"
expect_eq "$(t "restore: nothing was written into the home the agent linked to")" "$home_before" "$(manifest "$HOME/.ssh" 2>/dev/null; ls -a "$HOME")"
check_fails "$(t "restore: nothing was written into /")" test -e /deep
check_fails "$(t "restore: /etc/passwd was not replaced")" grep -q "^README" /etc/passwd
check "$(t "restore --delete: excluded paths are left alone")" test -e "$P/node_modules/pkg/new.js"
again=$(cd "$P" && "$JAILED" restore --delete 2>&1)
expect_contains "$(t "restore twice: nothing to do")" "nothing to restore" "$again"
check "$(t "restore: git still reads the repository")" git -C "$P" -c safe.directory='*' fsck --no-progress
(cd "$P" && "$JAILED" restore "$undo" --delete >/dev/null 2>&1)
expect_eq "$(t "restore: undoing the restore brings the session's tree back")" "$AFTER" "$(manifest "$P")"
(cd "$P" && "$JAILED" restore s1 --delete >/dev/null 2>&1)
expect_eq "$(t "restore s1: back to before the session again")" "$BEFORE" "$(manifest "$P")"

# restore PATH touches nothing else.
printf 'edited\n' > "$P/README"
printf 'edited too\n' > "$P/src/main.c"
(cd "$P/src" && "$JAILED" restore s1 ../README >/dev/null 2>&1)
expect_eq "$(t "restore PATH: the path is back")" "line one" "$(head -1 "$P/README")"
expect_eq "$(t "restore PATH: nothing else changed")" "edited too" "$(cat "$P/src/main.c")"
out=$(cd "$P" && "$JAILED" restore s1 /etc 2>&1)
expect_contains "$(t "restore: a path outside the project is refused")" "outside the project" "$out"
(cd "$P" && "$JAILED" restore s1 >/dev/null 2>&1)

# --- no snapshot -------------------------------------------------------------------------------
(cd "$P" && "$JAILED" run --no-snapshot sh -c 'exit 0' >/dev/null 2>&1 </dev/null)
expect_eq "$(t "--no-snapshot: no session is recorded")" 1 "$(cd "$P" && "$JAILED" log --json | grep -o '"agent"' | wc -l)"
err=$(cd "$P" && "$JAILED" run sh -c 'kill -TERM $$' 2>&1 </dev/null)
rc=$?
expect_eq "$(t "session: a signal's status passes through")" 143 "$rc"
expect_contains "$(t "session: an unchanged project says so")" "changed nothing" "$err"

# --- an interrupted snapshot -------------------------------------------------------------------
count_before=$(cd "$P" && "$JAILED" snapshots --json | grep -o '"id":' | wc -l)
mkdir -p "$P/big"
for i in $(seq 1 40); do head -c 2000000 /dev/urandom > "$P/big/$i"; done
store=$(cd "$P" && "$JAILED" snapshots --json | sed -n 's/.*"store":"\([^"]*\)".*/\1/p')
(cd "$P" && exec "$JAILED" snapshot >/dev/null 2>&1) &
snap_pid=$!
if wait_until 30 sh -c 'ls "$1"/packs/.new-* >/dev/null 2>&1' sh "$store"; then
  kill -KILL "$snap_pid" 2>/dev/null
  wait "$snap_pid" 2>/dev/null
  expect_eq "$(t "interrupted: the killed snapshot is not listed")" "$count_before" "$(cd "$P" && "$JAILED" snapshots --json | grep -o '"id":' | wc -l)"
  check "$(t "interrupted: earlier snapshots still diff")" sh -c "cd '$P' && '$JAILED' diff s1 --name-only | grep -q big/1"
  check "$(t "interrupted: the next snapshot works")" sh -c "cd '$P' && '$JAILED' snapshot"
  check_fails "$(t "interrupted: its partial pack is gone")" sh -c 'ls "$1"/packs/.new-* 2>/dev/null | grep -q .' sh "$store"
else
  wait "$snap_pid" 2>/dev/null
  skip "$(t "interrupted snapshot")" "the snapshot finished before it could be killed"
fi
rm -rf "$P/big"

# --- limits ------------------------------------------------------------------------------------
write_jailed "$P" $'[agent sh]\npackage = host:bash\n\n[jail]\nsnapshot-max-size = 1K'
"$JAILED" allow "$P" >/dev/null 2>&1
err=$(cd "$P" && "$JAILED" run sh -c 'exit 0' 2>&1 </dev/null)
expect_contains "$(t "size cap: one clear warning")" "over snapshot-max-size" "$err"
expect_eq "$(t "size cap: ... only one")" 1 "$(printf '%s\n' "$err" | grep -c warning)"
write_jailed "$P" $'[agent sh]\npackage = host:bash\n\n[jail]\nsnapshot = off\nsnapshot-keep = 2'
"$JAILED" allow "$P" >/dev/null 2>&1
sessions=$(cd "$P" && "$JAILED" log --json | grep -o '"agent"' | wc -l)
(cd "$P" && "$JAILED" run sh -c 'exit 0' >/dev/null 2>&1 </dev/null)
expect_eq "$(t "snapshot = off: no session is recorded")" "$sessions" "$(cd "$P" && "$JAILED" log --json | grep -o '"agent"' | wc -l)"
(cd "$P" && "$JAILED" snapshots prune >/dev/null 2>&1)
expect_eq "$(t "prune: the last snapshot-keep snapshots stay")" 2 "$(cd "$P" && "$JAILED" snapshots --json | grep -o '"id":' | wc -l)"

# --- job control: the jail owns the terminal; ctrl-Z and fg pass through ------------------------
if [ -z "${JAILED_SNAPSHOT_AS:-}" ] && command -v tmux >/dev/null; then
  # shellcheck source=tests/integration/tmux.sh
  . "$here/tmux.sh"
  J="$WORK/job"
  mkdir -p "$J"
  write_jailed "$J" $'[agent sh]\npackage = host:bash'
  "$JAILED" allow "$J" >/dev/null 2>&1
  tm new-session -d -s job -x 150 -y 40 -c "$J" \
    "env HOME='$HOME' XDG_STATE_HOME='$XDG_STATE_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' XDG_CACHE_HOME='$XDG_CACHE_HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' PS1='$ ' bash --norc --noprofile -i"
  wait_for pane_has_text job
  type_line job "'$JAILED' run sh -c 'echo started > started; read line; echo \"\$line\" > line'"
  if wait_for test -e "$J/started"; then
    tm send-keys -t job C-z
    wait_for sh -c 'tmux -L "$1" capture-pane -p -t job | grep -q Stopped' sh "$TMUX_SOCKET_NAME"
    expect_contains "ctrl-Z: the shell sees the job stopped" "Stopped" "$(pane job)"
    type_line job "fg"
    # Type only once the agent runs again: text typed while bash still reads its command line
    # (raw mode) would reach the agent as no line at all.
    wait_for sh -c 'for p in $(pgrep -f "^sh -c echo started"); do grep -q "^State:[[:space:]]*S" /proc/$p/status && exit 0; done; exit 1'
    type_line job "typed after fg"
    wait_for test -s "$J/line"
    expect_eq "fg: the agent reads the terminal again" "typed after fg" "$(cat "$J/line" 2>/dev/null)"
    wait_for sh -c 'tmux -L "$1" capture-pane -p -t job | grep -q "jailed: sh:"' sh "$TMUX_SOCKET_NAME"
    expect_contains "job: the session line reaches the terminal" "jailed: sh: " "$(pane job)"
  else
    fail "job control: the agent started" "pane: $(pane job | tail -5)"
  fi
fi

# --- as the unprivileged user ------------------------------------------------------------------
if [ "$(id -u)" -eq 0 ] && [ -z "${JAILED_SNAPSHOT_AS:-}" ]; then rerun_as_alice JAILED_SNAPSHOT_AS; fi
finish
