#!/usr/bin/env bash
# The Nix backend and closure cache with real Nix, offline: local flakes whose packages are
# built by busybox, substituters off. A recording nix/nix-store pair first on PATH proves
# which commands start Nix at all.
# shellcheck disable=SC2016  # single-quoted scripts are expanded by the inner shell
. "$(dirname "$0")/lib.sh"

require_tools test_nix nix nix-store python3
require_nix_build test_nix
new_world
export NIX_CONFIG="substituters =
experimental-features = nix-command flakes"
# In every derivation name: this run's store paths are its own, so no other root on this
# machine keeps them alive, and the slow one really builds.
M=$$-$RANDOM

REAL_NIX=$(command -v nix)
REAL_NIX_STORE=$(command -v nix-store)
LOG="$WORLD/nix-calls.log"
WRAP="$WORLD/nix-wrap"
mkdir -p "$WRAP" "$WORLD/empty-path"
for tool in nix nix-store; do
  real=$REAL_NIX
  [ "$tool" = nix-store ] && real=$REAL_NIX_STORE
  printf '#!/bin/sh\necho "%s $*" >> "%s"\nexec "%s" "$@"\n' "$tool" "$LOG" "$real" > "$WRAP/$tool"
  chmod 755 "$WRAP/$tool"
done
export PATH="$WRAP:$PATH"
: > "$LOG"
calls() { wc -l < "$LOG" | tr -d ' '; }
roots() { find "$XDG_STATE_HOME/jailed/gcroots" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort; }

# --- a local flake: bot -> mid -> leaf (two levels deep), a tool, busybox as a shell -----------

P="$WORK/proj"
mkdir -p "$P/tools/bb"
cp /bin/busybox "$P/tools/bb/"
cat > "$P/tools/flake.nix" <<EOF
{
  outputs = { self }: let
    bb = "\${./bb}/busybox";
    mk = name: script: derivation { name = "\${name}-$M"; system = "x86_64-linux"; builder = bb; args = [ "sh" "-c" script ]; };
    leaf = mk "leaf" "mkdir -p \$out/share; echo leaf > \$out/share/leaf";
    mid = mk "mid" "mkdir -p \$out/share; echo \${leaf} > \$out/share/mid";
    shell = mk "shell" "mkdir -p \$out/bin; cp \${bb} \$out/bin/busybox; for a in sh ls cat env echo; do ln -s busybox \$out/bin/\$a; done";
  in {
    packages.x86_64-linux = {
      inherit shell;
      bot = mk "bot" "mkdir -p \$out/bin; printf '#!\${shell}/bin/sh\\\\necho bot-ran \${mid}\\\\n' > \$out/bin/bot; chmod +x \$out/bin/bot";
      tool = mk "tool" "mkdir -p \$out/bin; printf '#!/bin/sh\\\\necho tool\\\\n' > \$out/bin/tool; chmod +x \$out/bin/tool";
      slow = mk "slow" "echo slow-$M > /dev/null; sleep 60; mkdir -p \$out/bin";
    };
  };
}
EOF
JAILED_TEXT=$'[jail]\nbase-packages = path:./tools#shell\n\n[agent bot]\npackage = path:./tools#bot\npackages = ./tools#tool'
write_jailed "$P" "$JAILED_TEXT"
cd "$P" || exit 1

json_field() {  # json_field PYTHON-EXPR: evaluates EXPR with d = the JSON on stdin, prints lines
  python3 -c 'import json, sys
d = json.load(sys.stdin)
r = eval(sys.argv[1])
print("\n".join(r) if isinstance(r, list) else r)' "$1"
}

# --- allow resolves in the foreground, three Nix processes for all packages --------------------

out=$("$JAILED" allow 2>&1)
expect_contains "nix: allow resolves the agent's packages" "agent bot: 5 store paths" "$out"
expect_not_contains "nix: no progress line when stderr is not a terminal" $'\r' "$out"
expect_eq "nix: one evaluation, one build, one closure query" "3" "$(calls)"
expect_contains "nix: the evaluation is one nix build --dry-run --json of every spec" \
  "nix --extra-experimental-features nix-command flakes build --dry-run --json -- path:$P/tools#bot path:$P/tools#shell path:$P/tools#tool" \
  "$(sed -n 1p "$LOG")"
expect_contains "nix: the build is one nix-store --realise with GC roots" "nix-store --realise --add-root" "$(sed -n 2p "$LOG")"
expect_contains "nix: the closure is one nix-store --query --requisites" "nix-store --query --requisites" "$(sed -n 3p "$LOG")"

explain=$("$JAILED" explain bot --json 2>&1)
closure=$(printf '%s' "$explain" | json_field 'd["closure"]')
outputs=$("$REAL_NIX" build --no-link --json "path:$P/tools#bot" "path:$P/tools#tool" "path:$P/tools#shell" |
  json_field '[o for e in d for o in e["outputs"].values()]')
# shellcheck disable=SC2086  # one store path per word
expected=$("$REAL_NIX_STORE" -qR $outputs | sort)
expect_eq "nix: explain's closure is nix-store -qR of the outputs" "$expected" "$closure"
expect_eq "nix: the closure holds the agent, its two-level dependencies, tool and shell" "5" "$(printf '%s\n' "$closure" | grep -c .)"
expect_contains "nix: explain says backend nix" '"backend":"nix"' "$explain"
expect_contains "nix: the program is the package's bin/bot" "-bot-$M/bin/bot" "$(printf '%s' "$explain" | json_field 'd["command"][0]')"

# --- warm: no Nix process at all ---------------------------------------------------------------

before=$(calls)
"$JAILED" explain bot --json >/dev/null 2>&1
"$JAILED" status >/dev/null 2>&1
"$JAILED" export bash >/dev/null 2>&1
expect_eq "nix: a second explain, status and export start no nix process" "$before" "$(calls)"

if command -v bwrap >/dev/null 2>&1; then
  run_out=$("$JAILED" run bot 2>&1)
  expect_contains "nix: jailed run runs the agent from its closure" "bot-ran /nix/store/" "$run_out"
  expect_eq "nix: jailed run starts no nix process on a warm cache" "$before" "$(calls)"
  run_out=$("$JAILED" run bot 2>&1)
  expect_contains "nix: a second launch (from its launch record) runs the same closure" "bot-ran /nix/store/" "$run_out"
  expect_eq "nix: ... without Nix" "$before" "$(calls)"
else
  skip "nix: jailed run runs the agent from its closure" "bwrap is not installed"
fi

list=$("$JAILED" cache list --json)
expect_eq "nix: cache list shows one entry" "1" "$(printf '%s' "$list" | json_field 'str(len(d["entries"]))')"
expect_eq "nix: its roots pin it" "True" "$(printf '%s' "$list" | json_field 'str(d["entries"][0]["roots_ok"])')"
expect_eq "nix: it knows who uses it" "$P/.jailed bot" \
  "$(printf '%s' "$list" | json_field 'd["entries"][0]["used_by"][0]["file"] + " " + d["entries"][0]["used_by"][0]["agent"]')"
key1=$(printf '%s' "$list" | json_field 'd["entries"][0]["key"]')
text_list=$("$JAILED" cache list)
expect_contains "nix: cache list in words names the key prefix and the size" "${key1:0:12}      5" "$text_list"

# --- GC roots: nix-store --gc keeps the closure until the cache lets it go ---------------------

dead=$("$REAL_NIX_STORE" --gc --print-dead 2>/dev/null)
alive=yes
for path in $closure; do
  case $dead in *"$path"*) alive="no: $path would be collected" ;; esac
done
expect_eq "nix: nix-store --gc would keep every path of the cached closure" "yes" "$alive"
# shellcheck disable=SC2086
check_fails "nix: nix-store --delete refuses a cached closure path" "$REAL_NIX_STORE" --delete $closure

out=$("$JAILED" cache clear 2>&1)
expect_contains "nix: cache clear removes the entry" "removed 1 cache entry" "$out"
expect_eq "nix: cache clear removes the roots" "" "$(roots)"
# shellcheck disable=SC2086
check "nix: after cache clear nix-store --delete frees the closure" "$REAL_NIX_STORE" --delete $closure
gone=yes
for path in $closure; do [ -e "$path" ] && gone="no: $path"; done
expect_eq "nix: ... and the paths are gone" "yes" "$gone"
expect_contains "nix: a collected closure is resolved (rebuilt) again" "-bot-$M/bin/bot" "$("$JAILED" explain bot --json 2>&1)"

# --- what changes the key ----------------------------------------------------------------------

key_now() { "$JAILED" cache list --json | json_field '" ".join(sorted(e["key"] for e in d["entries"] if e["used_by"]))'; }
key2=$(key_now)
before=$(calls)
echo "# a comment" >> "$P/tools/flake.nix"
out=$("$JAILED" explain bot --json 2>&1 >/dev/null)
rc=$?
expect_eq "nix: trust covers the local flake: an edit blocks it" "3" "$rc"
expect_contains "nix: ... saying what changed" "a local flake that $P/.jailed uses changed since you allowed it" "$out"
expect_eq "nix: ... without starting Nix" "$before" "$(calls)"
if command -v bwrap >/dev/null 2>&1; then
  out=$("$JAILED" run bot 2>&1 >/dev/null)
  expect_eq "nix: ... a launch too, though an earlier launch left a record (exit 3)" "3" "$?"
fi
out=$("$JAILED" allow 2>&1)
expect_contains "nix: allow says only the flake changed" "a local flake it uses changed" "$out"
"$JAILED" explain bot --json >/dev/null 2>&1
expect_eq "nix: editing the local flake resolves again" "$((before + 3))" "$(calls)"
key3=$(key_now)
if [ -n "$key3" ] && [ "$key3" != "$key2" ]; then pass "nix: ... under a new key"; else fail "nix: ... under a new key" "$key2 -> $key3"; fi

before=$(calls)
write_jailed "$P" $'[jail]\nbase-packages = path:./tools#shell\n\n[agent bot]\npackage = path:./tools#bot'
out=$("$JAILED" allow 2>&1)
expect_contains "nix: allowing the edited .jailed resolves its new package set" "agent bot: 4 store paths" "$out"
expect_eq "nix: ... with Nix" "$((before + 3))" "$(calls)"
key4=$(key_now)
if [ "$key4" != "$key3" ]; then pass "nix: editing .jailed changes the key"; else fail "nix: editing .jailed changes the key" "$key3"; fi
out=$("$JAILED" allow 2>&1)
expect_contains "nix: allow of an allowed file reports the cached result" "agent bot: 4 store paths (cached)" "$out"
out=$("$JAILED" cache gc 2>&1)
expect_contains "nix: cache gc drops the entries the project no longer uses" "removed 2 cache entries" "$out"
expect_eq "nix: ... keeping the one it uses" "$key4" "$(key_now)"
expect_eq "nix: ... and only its roots" "1" "$(roots | grep -c .)"

# --- a corrupt cache database is rebuilt; trust is untouched -----------------------------------

DB="$XDG_CACHE_HOME/jailed/cache.db"
rm -f "$DB-wal" "$DB-shm"
head -c 8192 /dev/urandom > "$DB"
out=$("$JAILED" explain bot --json 2>&1 >/dev/null)
expect_contains "nix: a corrupt cache.db is reported once" "was unreadable" "$out"
expect_eq "nix: ... exactly once" "1" "$(printf '%s\n' "$out" | grep -c 'rebuilding it')"
expect_contains "nix: ... and rebuilt" '"entries":[{' "$("$JAILED" cache list --json)"
check "nix: ... the bad file is kept aside" test -f "$DB.bad"
expect_contains "nix: ... and trust is untouched" "allowed" "$("$JAILED" status 2>&1)"
rm -f "$DB"
out=$("$JAILED" explain bot --json 2>&1 >/dev/null)
expect_contains "nix: a deleted cache.db is rebuilt with one warning" "was deleted; rebuilding it" "$out"
expect_eq "nix: ... one" "1" "$(printf '%s\n' "$out" | grep -c 'rebuilding it')"
expect_eq "nix: ... and only once" "" "$("$JAILED" explain bot --json 2>&1 >/dev/null)"

# --- a broken flake: Nix's error, and the last good closure still runs ------------------------

cp "$P/tools/flake.nix" "$WORLD/flake.good"
echo "broken {" >> "$P/tools/flake.nix"
out=$("$JAILED" allow 2>&1)
rc=$?
expect_eq "nix: allow with a broken flake exits 1" "1" "$rc"
expect_contains "nix: ... and says the file stays allowed" "the file stays allowed" "$out"
expect_contains "nix: ... which it does" "allowed" "$("$JAILED" status 2>&1)"
out=$("$JAILED" explain bot --json 2>&1 >/dev/null)
expect_contains "nix: a broken flake shows Nix's own error" "error: syntax error" "$out"
expect_contains "nix: ... and says the last good closure is used" "using the last good packages of agent \"bot\"" "$out"
if command -v bwrap >/dev/null 2>&1; then
  expect_contains "nix: ... which still runs" "bot-ran /nix/store/" "$("$JAILED" run bot 2>/dev/null)"
fi
out=$("$JAILED" reload 2>&1)
rc=$?
expect_eq "nix: reload of a broken flake fails" "1" "$rc"
expect_contains "nix: ... with Nix's error" "error: syntax error" "$out"
cp "$WORLD/flake.good" "$P/tools/flake.nix"
"$JAILED" allow >/dev/null 2>&1
out=$("$JAILED" resolve bot 2>&1)
expect_contains "nix: resolve after the fix resolves afresh" "agent bot: 4 store paths" "$out"
check_fails "nix: reload of an unknown agent is an error" "$JAILED" reload nobody

# --- Nix missing ---------------------------------------------------------------------------------

out=$(PATH="$WORLD/empty-path" "$JAILED" explain bot 2>&1)
rc=$?
expect_eq "nix: a Nix package without nix on PATH fails" "1" "$rc"
expect_contains "nix: ... saying so" "agent \"bot\" needs Nix (package = path:./tools#bot at $P/.jailed:5) but nix is not installed" "$out"
write_jailed "$WORK/hostnix" $'[agent sh]\npackage = host:sh\nbackend = nix'
out=$("$JAILED" allow "$WORK/hostnix" 2>&1)
expect_eq "nix: allow refuses a host: package with backend = nix (exit 4)" "4" "$?"
expect_contains "nix: ... naming the line and both settings" \
  "$WORK/hostnix/.jailed:2: agent \"sh\": package \"host:sh\" is a host program, but backend = nix" "$out"
write_jailed "$WORK/nixonly" $'[agent sh]\npackage = nixpkgs#sh\nbackend = nix'
out=$(PATH="$WORLD/empty-path" "$JAILED" allow "$WORK/nixonly" 2>&1)
expect_contains "nix: allow warns when backend = nix and nix is missing" "needs Nix (backend = nix, from $WORK/nixonly/.jailed)" "$out"
out=$(cd "$WORK/nixonly" && PATH="$WORLD/empty-path" "$JAILED" explain sh 2>&1)
expect_contains "nix: backend = nix without nix names the setting" "needs Nix (backend = nix, from $WORK/nixonly/.jailed)" "$out"

# --- Nix installed but not able to build for this user: jailed's advice first -------------------

out=$("$JAILED" doctor 2>&1)
expect_contains "nix: doctor proves Nix builds for this user" "nix: nix (Nix)" "$out"
expect_contains "nix: ... with a real build" "builds for $(id -un)" "$out"
# A daemon socket nobody listens on: real Nix fails as it does where the daemon is not running.
mkdir -p "$WORLD/no-daemon"
no_daemon=(env NIX_REMOTE="unix://$WORLD/no-daemon/socket")
out=$("${no_daemon[@]}" "$JAILED" doctor 2>&1)
expect_contains "nix: doctor says when Nix cannot build" "cannot build for $(id -un): the Nix daemon is not running" "$out"
expect_contains "nix: ... then Nix's own words" "nix said: error:" "$out"
expect_contains "nix: ... and the exact fix" "sudo systemctl start nix-daemon.socket" "$out"
write_jailed "$WORK/setup" "$(printf '[jail]\nbase-packages = path:%s/tools#shell\n[agent tool]\npackage = path:%s/tools#tool' "$P" "$P")"
out=$(cd "$WORK/setup" && "${no_daemon[@]}" "$JAILED" allow 2>&1)
expect_contains "nix: allow says what to do before Nix's error" \
  "nix could not resolve its packages: the Nix daemon is not running" "$out"
expect_not_contains "nix: ... without Nix's hint about its own options" "--show-trace" "$out"
rm -rf "$WORK/setup"
if [ "$(id -u)" -eq 0 ]; then
  # Root builds without the daemon, through build users: none of the named group exists.
  out=$(NIX_CONFIG="$NIX_CONFIG
build-users-group = jailed-no-such-group" "$JAILED" doctor 2>&1)
  expect_contains "nix: doctor names missing build users" "Nix has no build users here" "$out"
fi

# --- Ctrl-C while Nix builds leaves no entry and no roots ----------------------------------------

S="$WORK/slow"
write_jailed "$S" "[agent slow]"$'\n'"package = path:$P/tools#slow"$'\n'"base-packages = path:$P/tools#shell"
before_roots=$(roots)
before_entries=$("$JAILED" cache list --json | json_field 'str(len(d["entries"]))')

# interrupt_while_resolving NAME COMMAND...: starts COMMAND as a terminal's foreground job (its
# own process group, SIGINT not ignored: a non-interactive shell starts background jobs with
# SIGINT ignored), presses Ctrl-C once Nix builds the slow package, and checks that COMMAND
# died of it and left no roots and no cache entry behind.
interrupt_while_resolving() {
  local name=$1
  shift
  : > "$LOG"
  python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setsid()
os.execv(sys.argv[1], sys.argv[1:])' "$@" >"$WORLD/slow.out" 2>&1 &
  local pid=$!
  # Interrupted while its builder runs: jailed is then waiting on nix-store --realise.
  builder_runs() { pgrep -f "echo slow-$M" >/dev/null; }
  wait_until 20 builder_runs || fail "nix: the slow build started for $name" "no builder process after 20 s"
  kill -INT -- "-$pid" 2>/dev/null
  wait "$pid"
  expect_eq "nix: Ctrl-C stops $name (status 130)" "130" "$?"
  # A launch's bwrap dies of it at once; jailed's planner, which resolves, cleans up just after.
  for _ in $(seq 50); do [ "$(roots)" = "$before_roots" ] && break; sleep 0.1; done
  expect_eq "nix: ... leaving no roots directory" "$before_roots" "$(roots)"
  expect_eq "nix: ... and no cache entry" "$before_entries" \
    "$("$JAILED" cache list --json | json_field 'str(len(d["entries"]))')"
  expect_eq "nix: ... nor a nix process" "" "$(pgrep -f "$P/tools#slow" || true)"
}

interrupt_while_resolving "a resolution" "$JAILED" allow "$S"
expect_contains "nix: ... while the file stays allowed" "allowed" "$(cd "$S" && "$JAILED" status 2>&1)"
if command -v bwrap >/dev/null 2>&1; then
  (cd "$S" && interrupt_while_resolving "a launch that resolves" "$JAILED" run slow)
else
  skip "nix: Ctrl-C stops a launch that resolves" "bwrap is not installed"
fi

# --- cache gc --------------------------------------------------------------------------------------

stale="$XDG_STATE_HOME/jailed/gcroots/0123456789abcdef0123456789abcdef.999999999.deadbeefdeadbeef"
mkdir -p "$stale"
out=$("$JAILED" cache gc 2>&1)
expect_contains "nix: cache gc keeps the entry in use" "removed 0 cache entries" "$out"
check_fails "nix: ... and removes a stale roots directory" test -e "$stale"
# The roots of entries lost with the corrupt and the deleted database are stale too.
expect_eq "nix: ... leaving only the roots of the entry in use" \
  "$("$JAILED" cache list --json | json_field '[e["roots"].rsplit("/", 1)[1] for e in d["entries"]]')" "$(roots)"
expect_eq "nix: ... keeping bot's entry" "$key4" "$(key_now)"
rm "$P/.jailed"
"$JAILED" cache gc >/dev/null 2>&1
expect_eq "nix: cache gc drops the entries of a deleted .jailed" '{"entries":[]}' \
  "$("$JAILED" cache list --json | json_field 'json.dumps({"entries": d["entries"]}, separators=(",", ":"))')"
expect_eq "nix: ... and their roots" "" "$(roots)"
check_fails "nix: cache gc --older-than needs a unit" "$JAILED" cache gc --older-than 30
check "nix: cache gc --older-than 30d works" "$JAILED" cache gc --older-than 30d
check_fails "nix: cache with an unknown action is an error" "$JAILED" cache lsit

# --- on a terminal, progress is drawn in place ---------------------------------------------------

if command -v script >/dev/null 2>&1; then
  write_jailed "$P" "$JAILED_TEXT"
  "$JAILED" allow "$P" >/dev/null 2>&1
  out=$(cd "$P" && script -qec "$JAILED reload" /dev/null 2>&1)
  expect_contains "nix: on a terminal, progress names what is resolved" "resolving 3 packages of bot with nix … " "$out"
  expect_contains "nix: ... and ends with the path count" "done (5 store paths)" "$out"
else
  skip "nix: on a terminal, progress is drawn in place" "script (bsdutils) is not installed"
fi

# --- local flakes are read-only inside the jail ---------------------------------------------------

if command -v bwrap >/dev/null 2>&1; then
  write_jailed "$P" $'[jail]\nbase-packages = path:./tools#shell\n\n[agent sh]\npackage = path:./tools#shell\ncommand = sh'
  "$JAILED" allow "$P" >/dev/null 2>&1
  cp "$P/tools/flake.nix" "$WORLD/flake.before"
  out=$(cd "$P" && "$JAILED" run sh -c 'echo "# planted" >> tools/flake.nix && echo WROTE; echo x > tools/new.nix && echo CREATED; echo ok > notes && echo PROJECT' 2>&1)
  expect_not_contains "nix: the agent cannot edit a local flake" "WROTE" "$out"
  expect_not_contains "nix: ... nor add files to it" "CREATED" "$out"
  expect_contains "nix: ... while the rest of the project is writable" "PROJECT" "$out"
  check "nix: ... and the flake on the host is unchanged" cmp -s "$P/tools/flake.nix" "$WORLD/flake.before"
else
  skip "nix: local flakes are read-only inside the jail" "bwrap is not installed"
fi

finish
