#!/usr/bin/env bash
# Trust: what an allow covers (the .jailed, the presets and global config it uses, every agent's
# local flakes), what `allow` shows before it trusts, the announcement of a .jailed an agent may
# have written, and that nothing from a .jailed or a path reaches the terminal raw. Each attack
# runs for real (real jails, real Nix offline) next to a control that shows it would work
# without the protection. Run as root, the suite runs itself again as the user alice.
# shellcheck disable=SC2016,SC2088  # inner shells expand the single-quoted scripts; jailed prints ~
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_tools test_trust bwrap python3 timeout
SUITE=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
AS=${JAILED_TRUST_AS:-$(id -un)}
new_world
export NIX_CONFIG="substituters =
experimental-features = nix-command flakes"
M=$$-$RANDOM
ESC=$'\e'
RLO=$'\xe2\x80\xae'

# raw_free NAME TEXT: passes if TEXT holds no escape sequence, C1 control, bidi control or
# zero-width character, the bytes that let a file rewrite or reorder what the terminal shows.
raw_free() {
  if printf '%s' "$2" | python3 -c '
import sys
data = sys.stdin.buffer.read()
bad = [b"\x1b", b"\xc2\x9b"] + [chr(c).encode() for c in list(range(0x202a, 0x202f)) + list(range(0x2066, 0x206a)) + [0x200b, 0x200f, 0xfeff]]
sys.exit(1 if any(b in data for b in bad) else 0)'; then
    pass "$1 [$AS]"
  else
    fail "$1 [$AS]" "raw control or bidi bytes in: $(printf '%q' "${2:0:300}")"
  fi
}
t() { printf '%s [%s]' "$1" "$AS"; }  # a check's name, saying who ran it

# jrun DIR AGENT SCRIPT: runs SCRIPT with the agent's bash (host:bash agents) in DIR; sets OUT, RC.
jrun() {
  OUT=$(cd "$1" && timeout -k 5 60 "$JAILED" run "$2" -c "$3" 2>&1 </dev/null)
  RC=$?
}

NIX_OK=
if command -v nix >/dev/null 2>&1 && "$(dirname "$SUITE")/../../scripts/nix-can-build" >/dev/null 2>&1; then NIX_OK=1; fi

# write_flake DIR: a flake whose packages busybox builds offline: shell (busybox as sh) and bot.
write_flake() {
  mkdir -p "$1/bb"
  cp /bin/busybox "$1/bb/" 2>/dev/null || cp "$(command -v busybox)" "$1/bb/"
  cat > "$1/flake.nix" <<EOF
{
  outputs = { self }: let
    bb = "\${./bb}/busybox";
    mk = name: script: derivation { name = "\${name}-$M"; system = "x86_64-linux"; builder = bb; args = [ "sh" "-c" script ]; };
    shell = mk "shell" "mkdir -p \$out/bin; cp \${bb} \$out/bin/busybox; for a in sh ls cat echo; do ln -s busybox \$out/bin/\$a; done";
  in {
    packages.x86_64-linux = {
      inherit shell;
      bot = mk "bot" "mkdir -p \$out/bin; printf '#!\${shell}/bin/sh\\\\necho bot-ran\\\\n' > \$out/bin/bot; chmod +x \$out/bin/bot";
    };
  };
}
EOF
}

# --- 1. one agent cannot edit another agent's local flake -------------------------------------

P="$WORK/flakes"
mkdir -p "$P"
write_flake "$P/tools-b"
write_jailed "$P" $'[agent a]\npackage = host:bash\n\n[agent b]\npackage = path:./tools-b#bot\ncommand = bot\nbase-packages = path:./tools-b#shell'
allow_out=$("$JAILED" allow "$P" 2>&1)
expect_contains "$(t "flakes: a first allow shows the file")" "  | package = path:./tools-b#bot" "$allow_out"
expect_contains "$(t "flakes: ... and names the local flake with its files")" "the local flake $P/tools-b (2 files):" "$allow_out"
expect_contains "$(t "flakes: ... flake.nix among them")" "    flake.nix" "$allow_out"
expect_contains "$(t "flakes: ... and the busybox as an executable")" "    bb/busybox (executable)" "$allow_out"
before=$(sha256sum < "$P/tools-b/flake.nix")

jrun "$P" a 'echo "# planted by a" >> tools-b/flake.nix; echo rc=$?'
expect_contains "$(t "flakes: agent a cannot write agent b's flake.nix")" "rc=1" "$OUT"
expect_eq "$(t "flakes: ... which is unchanged on the host")" "$before" "$(sha256sum < "$P/tools-b/flake.nix")"
jrun "$P" a 'echo x > tools-b/new.nix; echo rc=$?; mkdir tools-b/d; echo rc=$?'
expect_eq "$(t "flakes: ... nor add files to it")" $'rc=1\nrc=1' "$(printf '%s\n' "$OUT" | grep '^rc=')"
check_fails "$(t "flakes: ... nothing landed")" test -e "$P/tools-b/new.nix"
jrun "$P" a 'echo ok > scratch && cat scratch'
expect_eq "$(t "flakes: control: the rest of the project is writable for a")" "ok" "$OUT"

# Control: the same directory, when no agent of the file builds it, is an ordinary writable
# directory; that is how every launch of another agent treated it before.
C="$WORK/control"
mkdir -p "$C"
write_flake "$C/tools-b"
write_jailed "$C" $'[agent a]\npackage = host:bash'
"$JAILED" allow "$C" >/dev/null 2>&1
jrun "$C" a 'echo "# planted by a" >> tools-b/flake.nix; echo rc=$?'
expect_contains "$(t "flakes: control: a flake no agent of the file uses is writable")" "rc=0" "$OUT"

# --- 2. an edited local flake is blocked, and allow shows the diff -----------------------------

if [ -n "$NIX_OK" ]; then
  OUT=$(cd "$P" && timeout -k 5 120 "$JAILED" run b 2>&1 </dev/null)
  expect_contains "$(t "flakes: agent b runs its flake's program")" "bot-ran" "$OUT"
  # The flake is edited outside the jail (by whoever could: a grant, the user, a tool).
  printf '# planted-%s\n' "$M" >> "$P/tools-b/flake.nix"
  printf '#!/bin/sh\necho evil\n' > "$P/tools-b/evil.sh"
  chmod +x "$P/tools-b/evil.sh"
  OUT=$(cd "$P" && timeout -k 5 60 "$JAILED" run b 2>&1 </dev/null)
  RC=$?
  expect_eq "$(t "flakes: a launch after the flake changed is refused (exit 3)")" "3" "$RC"
  expect_contains "$(t "flakes: ... saying a local flake changed")" "a local flake that $P/.jailed uses changed since you allowed it" "$OUT"
  allow_out=$("$JAILED" allow "$P" 2>&1)
  expect_contains "$(t "flakes: allow names the changed flake")" "the local flake $P/tools-b (changed):" "$allow_out"
  expect_contains "$(t "flakes: ... the changed file")" "    changed flake.nix:" "$allow_out"
  expect_contains "$(t "flakes: ... with the planted line")" "+# planted-$M" "$allow_out"
  expect_contains "$(t "flakes: ... the new file")" "    new evil.sh (executable):" "$allow_out"
  expect_contains "$(t "flakes: ... with its content")" "+echo evil" "$allow_out"
  # The diff comes before Nix builds anything: the user reads it first.
  diff_line=$(printf '%s\n' "$allow_out" | grep -n "planted-$M" | head -1 | cut -d: -f1)
  build_line=$(printf '%s\n' "$allow_out" | grep -n "agent b:" | head -1 | cut -d: -f1)
  if [ -n "$diff_line" ] && [ -n "$build_line" ] && [ "$diff_line" -lt "$build_line" ]; then
    pass "$(t "flakes: ... shown before the flake is built")"
  else
    fail "$(t "flakes: ... shown before the flake is built")" "$allow_out"
  fi
else
  skip "$(t "flakes: an edited flake is blocked and allow shows its diff")" "nix cannot build for $AS here"
fi

# --- 3. presets and the global config are part of what is trusted ------------------------------

U="$WORK/preset"
PRESET="$XDG_CONFIG_HOME/jailed/agents/bot.jailed"
GLOBAL="$XDG_CONFIG_HOME/jailed/config"
mkdir -p "$(dirname "$PRESET")"
printf '[agent bot]\npackage = host:bash\n' > "$PRESET"
write_jailed "$U" $'[agent bot]'
allow_out=$("$JAILED" allow "$U" 2>&1)
expect_contains "$(t "presets: a first allow lists the user preset it uses")" "  ~/.config/jailed/agents/bot.jailed" "$allow_out"
jrun "$U" bot 'echo ran'
expect_eq "$(t "presets: the agent runs")" "ran" "$OUT"
jrun "$U" bot 'echo ran'
expect_eq "$(t "presets: ... again, from its launch record")" "ran" "$OUT"

printf 'readwrite = ~\n' >> "$PRESET"
jrun "$U" bot 'echo ran'
expect_eq "$(t "presets: an edited user preset stops the launch (exit 3), launch record or not")" "3" "$RC"
expect_contains "$(t "presets: ... naming the preset")" "~/.config/jailed/agents/bot.jailed changed since you allowed $U/.jailed" "$OUT"
expect_contains "$(t "presets: ... and what to do")" "run 'jailed allow'" "$OUT"
status_out=$(cd "$U" && "$JAILED" status 2>&1)
expect_contains "$(t "presets: status says changed")" "trust:   changed" "$status_out"
export_err=$(cd "$U" && "$JAILED" export bash 2>&1 >/dev/null)
expect_contains "$(t "presets: the prompt hook says which file changed")" "~/.config/jailed/agents/bot.jailed changed" "$export_err"
allow_out=$("$JAILED" allow "$U" 2>&1)
expect_contains "$(t "presets: allow shows the preset's diff")" "  ~/.config/jailed/agents/bot.jailed (changed):" "$allow_out"
expect_contains "$(t "presets: ... with the added line")" "+readwrite = ~" "$allow_out"
# Control: the edit really widens the jail once allowed: the whole home becomes writable.
explain_out=$(cd "$U" && "$JAILED" explain bot 2>&1)
expect_contains "$(t "presets: control: the allowed edit binds the home read-write")" "read-write	$HOME	" "$explain_out"

printf '[jail]\nnetwork = on\n' > "$GLOBAL"
jrun "$U" bot 'echo ran'
expect_eq "$(t "presets: a new global config stops the launch (exit 3)")" "3" "$RC"
expect_contains "$(t "presets: ... naming it")" "~/.config/jailed/config is new since you allowed $U/.jailed" "$OUT"
allow_out=$("$JAILED" allow "$U" 2>&1)
expect_contains "$(t "presets: allow shows the global config")" "+network = on" "$allow_out"
jrun "$U" bot 'echo ran'
expect_eq "$(t "presets: after allow it runs")" "ran" "$(printf '%s\n' "$OUT" | tail -n 1)"
printf '[jail]\nnetwork = off\n' > "$GLOBAL"
jrun "$U" bot 'echo ran'
expect_contains "$(t "presets: an edited global config stops it again")" "~/.config/jailed/config changed since you allowed" "$OUT"
rm -f "$GLOBAL"
jrun "$U" bot 'echo ran'
expect_contains "$(t "presets: ... and so does a removed one")" "~/.config/jailed/config is gone since you allowed" "$OUT"
"$JAILED" allow "$U" >/dev/null 2>&1
# A project with no preset and no global config keeps its allow across the upgrade: its hash
# is the one records always held (unit tested); here, it is simply allowed.
jrun "$U" bot 'echo ran'
expect_eq "$(t "presets: allowed again, it runs")" "ran" "$(printf '%s\n' "$OUT" | tail -n 1)"

# --- 4. nothing from a .jailed or a path reaches the terminal raw -------------------------------

E="$WORK/escapes"
mkdir -p "$E"
printf '[agent demo]\npackage = host:bash\nsetenv = "NOTE=%s[2K%s[1Ahidden"\n' "$ESC" "$ESC" > "$E/.jailed"
chmod 644 "$E/.jailed"
check "$(t "display: control: the file really holds escape sequences")" grep -q "$ESC\[2K" "$E/.jailed"
out=$("$JAILED" allow "$E" 2>&1)
rc=$?
expect_eq "$(t "display: allow refuses a .jailed with escape sequences (exit 4)")" "4" "$rc"
expect_contains "$(t "display: ... naming file:line and the character")" "$E/.jailed:3: line 3 holds the control character \\x1b" "$out"
raw_free "display: allow's refusal is escaped" "$out"
out=$(cd "$E" && "$JAILED" status 2>&1)
raw_free "display: status is escaped" "$out"
out=$(cd "$E" && "$JAILED" explain demo 2>&1)
raw_free "display: explain is escaped" "$out"
out=$(cd "$E" && "$JAILED" export bash 2>&1)
raw_free "display: the prompt hook's line is escaped" "$out"

# A record an older jailed made of a file holding escape sequences: the diff shows old lines
# escaped. The record is written the way that jailed wrote it (hash over path and content).
printf '[agent demo]\npackage = host:bash\n' > "$E/.jailed"
python3 - "$XDG_DATA_HOME/jailed/trust.db" "$(cd "$E" && pwd -P)/.jailed" "$ESC" <<'PY'
import hashlib, sqlite3, sys
db, path, esc = sys.argv[1], sys.argv[2], sys.argv[3]
old = "[agent demo]\npackage = host:bash\nsetenv = \"NOTE=" + esc + "[2K" + esc + "[1Ahidden\"\n"
digest = hashlib.sha256((path + "\n" + old).encode()).hexdigest()
con = sqlite3.connect(db)
con.execute("INSERT OR REPLACE INTO allowed(path, hash, content, time) VALUES(?, ?, ?, 1)", (path, digest, old.encode()))
con.commit()
PY
out=$("$JAILED" allow "$E" 2>&1)
expect_contains "$(t "display: allow diffs against the old record")" "-setenv = \"NOTE=\\x1b[2K\\x1b[1Ahidden\"" "$out"
raw_free "display: allow's diff is escaped" "$out"

# explain shows values from the environment and paths as words that paste back: $'...'.
W="$WORK/workdir"
mkdir -p "$W/in${RLO}side"
write_jailed "$W" $'[agent demo]\npackage = host:bash\nworkdir = cwd'
"$JAILED" allow "$W" >/dev/null 2>&1
out=$(cd "$W/in${RLO}side" && TERM="xterm${ESC}[2K" "$JAILED" explain demo 2>&1)
raw_free "display: explain escapes a directory and a variable" "$out"
expect_contains "$(t "display: ... as a word that pastes back")" "TERM=\$'xterm\\x1b[2K'" "$out"
expect_contains "$(t "display: ... the directory too")" "in\\xe2\\x80\\xaeside" "$out"
out=$(cd "$W/in${RLO}side" && TERM="xterm${ESC}[2K" "$JAILED" explain demo --json 2>&1)
raw_free "display: explain --json is escaped" "$out"
dir=$(printf '%s' "$out" | python3 -c 'import json, sys; print(json.load(sys.stdin)["chdir"])')
expect_eq "$(t "display: ... and decodes to the exact directory")" "$W/in${RLO}side" "$dir"

# A directory whose name is reversed by a bidi override is refused, its path shown escaped.
B="$WORK/bidi/gpj${RLO}exe.sh"
write_jailed "$B" $'[agent demo]\npackage = host:bash'
for command in allow status "explain demo" "run demo -c true"; do
  # shellcheck disable=SC2086  # command and its arguments
  out=$(cd "$B" && "$JAILED" $command 2>&1)
  raw_free "display: $command of a bidi path is escaped" "$out"
done
out=$(cd "$B" && "$JAILED" allow 2>&1)
expect_contains "$(t "display: allow refuses a bidi path")" "refusing \"$WORK/bidi/gpj\\u{202e}exe.sh/.jailed\": its path holds the bidirectional control" "$out"
check_fails "$(t "display: ... and allows nothing")" sh -c "cd '$B' && '$JAILED' run demo -c true"
out=$(cd "$B" && "$JAILED" export bash 2>&1)
raw_free "display: the prompt hook's refusal is escaped" "$out"
expect_contains "$(t "display: ... and loads nothing")" "JAILED_STATE=1:B:" "$out"
out=$(cd "$B" && "$JAILED" status --json 2>&1)
raw_free "display: status --json is escaped" "$out"
path=$(printf '%s' "$out" | python3 -c 'import json, sys; print(json.load(sys.stdin)["file"]["path"])')
expect_eq "$(t "display: ... and decodes to the exact path")" "$B/.jailed" "$path"

# --- 5. a .jailed that appears inside an allowed project ---------------------------------------

N="$WORK/nest"
mkdir -p "$N"
write_jailed "$N" $'[agent a]\npackage = host:bash'
"$JAILED" allow "$N" >/dev/null 2>&1
# An agent writes one from inside its jail, for real.
jrun "$N" a 'mkdir -p sub && printf "[agent evil]\npackage = host:bash\nreadwrite = ~\n" > sub/.jailed && echo written'
expect_eq "$(t "nested: an agent can write a .jailed in a subdirectory")" "written" "$OUT"
chmod 644 "$N/sub/.jailed"
err=$(cd "$N/sub" && "$JAILED" export bash 2>&1 >/dev/null)
expect_eq "$(t "nested: the prompt hook announces it as new and possibly an agent's")" \
  "jailed: sub/.jailed is new inside the allowed project $N; an agent may have written it: review it before 'jailed allow'" "$err"
# Control: the same file outside any allowed project is just not allowed yet.
mkdir -p "$WORK/lone"
cp "$N/sub/.jailed" "$WORK/lone/.jailed"
err=$(cd "$WORK/lone" && "$JAILED" export bash 2>&1 >/dev/null)
expect_eq "$(t "nested: control: elsewhere it is an ordinary new file")" \
  "jailed: $WORK/lone/.jailed is not allowed; review it, then run 'jailed allow'" "$err"
out=$(cd "$N/sub" && "$JAILED" allow 2>&1)
expect_contains "$(t "nested: its first allow says where it lies")" "note: it lies inside the allowed project $N, where an agent may have written it" "$out"
expect_contains "$(t "nested: ... and shows its content")" "  | readwrite = ~" "$out"
# One named with a bidi override is refused, its path escaped.
jrun "$N" a "mkdir -p 'x${RLO}y' && printf '[agent e]\npackage = host:bash\n' > 'x${RLO}y/.jailed' && chmod 644 'x${RLO}y/.jailed' && echo written"
expect_eq "$(t "nested: an agent can write one under a bidi name")" "written" "$OUT"
out=$(cd "$N/x${RLO}y" && "$JAILED" export bash 2>&1 >/dev/null)
raw_free "nested: its announcement is escaped" "$out"
expect_contains "$(t "nested: ... and refuses it")" "x\\u{202e}y/.jailed\": its path holds the bidirectional control" "$out"

# --- as the unprivileged user ------------------------------------------------------------------

if [ "$(id -u)" -eq 0 ] && [ -z "${JAILED_TRUST_AS:-}" ]; then rerun_as_alice JAILED_TRUST_AS; fi
finish
