#!/usr/bin/env bash
# The command line as a user meets it: help, version, status, explain, doctor, exit codes.
# shellcheck disable=SC2016  # the agent's shell expands the single-quoted commands
. "$(dirname "$0")/lib.sh"
require_tools test_cli python3

new_world
mkdir -p "$WORK/app"
printf '[agent demo]\npackage = host:bash\nenv = DEMO_KEY\nsetenv = GREETING=hello\n' > "$WORK/app/.jailed"
chmod 644 "$WORK/app/.jailed"

out=$("$JAILED" --version)
expect_contains "--version prints the version" "jailed 0." "$out"

out=$("$JAILED" --help)
for command in allow deny status prune run explain hook export doctor help; do
  expect_contains "--help lists $command" "  $command " "$out"
done
expect_not_contains "--help hides internal commands" "__" "$out"

for command in allow deny status prune run explain hook export doctor help; do
  out=$("$JAILED" "$command" --help 2>&1)
  rc=$?
  expect_eq "$command --help exits 0" 0 "$rc"
  expect_contains "$command --help shows its usage" "usage: jailed $command" "$out"
done

out=$("$JAILED" 2>&1)
expect_contains "no arguments shows the help" "usage: jailed COMMAND" "$out"

"$JAILED" explian demo >/dev/null 2>&1
expect_eq "a misspelt command exits 2" 2 "$?"
out=$("$JAILED" explian demo 2>&1)
expect_contains "a misspelt command gets a suggestion" 'did you mean "explain"?' "$out"

cd "$WORK/app" || exit 1
out=$("$JAILED" status 2>&1)
expect_contains "status names the file" "file:    $WORK/app/.jailed" "$out"
expect_contains "status says not allowed" "trust:   not-allowed" "$out"
expect_not_contains "status lists no agents of an untrusted file" "agent:" "$out"

"$JAILED" allow >/dev/null 2>&1
json=$("$JAILED" status --json)
check "status --json is JSON" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$json"
agents=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["file"]["trust"], [a["name"] + "=" + a["command"] for a in d["file"]["agents"]])' "$json")
expect_eq "status --json has trust and agents" "allowed ['demo=jailed-demo']" "$agents"

out=$("$JAILED" status --all)
expect_contains "status --all lists the record" "allowed	$WORK/app/.jailed" "$out"

out=$(DEMO_KEY=topsecret-value "$JAILED" explain demo)
expect_contains "explain shows the project read-write" "read-write	$WORK/app	the project, read-write" "$out"
expect_contains "explain shows .jailed protected" "read-only	$WORK/app/.jailed	protected" "$out"
expect_contains "explain names a set variable" "GREETING=hello" "$out"
expect_contains "explain shows a forwarded variable as hidden" "DEMO_KEY=<forwarded, hidden>" "$out"
expect_not_contains "explain never prints a forwarded secret" "topsecret-value" "$out"
expect_contains "explain prints the bwrap argv" "--args" "$out"

json=$(DEMO_KEY=topsecret-value "$JAILED" explain demo --json)
fields=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["agent"], d["backend"], d["network"], d["env"]["DEMO_KEY"], "--unshare-net" in d["options"])' "$json")
expect_eq "explain --json: agent, backend, network, hidden key, no network" "demo host False None True" "$fields"
expect_not_contains "explain --json never prints a forwarded secret" "topsecret-value" "$json"

out=$(DEMO_KEY=passed-through "$JAILED" run demo -c 'echo "$DEMO_KEY $GREETING $JAILED_AGENT"')
expect_eq "run forwards env and setenv" "passed-through hello demo" "$out"

"$JAILED" run demo -c 'exit 42'
expect_eq "run returns the agent's exit status" 42 "$?"
# Without the helper (JAILED_NO_LANDLOCK), jailed works the jail out first and bwrap runs the agent.
out=$(JAILED_NO_LANDLOCK=1 DEMO_KEY=classic "$JAILED" run demo -c 'echo "$DEMO_KEY $GREETING"; exit 43')
expect_eq "run without the helper: the agent's exit status" 43 "$?"
expect_eq "run without the helper: the same jail" "classic hello" "$out"

"$JAILED" run nosuch >/dev/null 2>&1
expect_eq "run of an unknown agent exits 2" 2 "$?"

out=$("$JAILED" doctor 2>&1)
rc=$?
expect_eq "doctor passes on a machine with bwrap" 0 "$rc"
expect_contains "doctor checks bwrap" "bwrap: bubblewrap" "$out"
expect_contains "doctor probes user namespaces" "ok    user namespaces" "$out"
expect_contains "doctor says how to add the hook" "jailed hook" "$out"
expect_contains "doctor reports Landlock" "landlock: " "$out"
out=$(JAILED_HOOK=bash:1 "$JAILED" doctor 2>&1)
expect_contains "doctor: a JAILED_HOOK inherited from another shell is not this shell's hook" \
  "not active in this bash (JAILED_HOOK came from the shell that started it)" "$out"
expect_contains "doctor: the line it advises does nothing where jailed is not on PATH" \
  "command -v jailed >/dev/null && eval" "$out"
# Run from this shell itself (no subshell between), as a user types it.
JAILED_HOOK=bash:$$ "$JAILED" doctor > "$WORLD/doctor.out" 2>&1
out=$(cat "$WORLD/doctor.out")
expect_contains "doctor sees the hook of the shell that runs it" "shell hook: installed in this shell (bash)" "$out"
if grep -q 'landlock: ABI' <<<"$out"; then
  expect_contains "doctor runs the Landlock helper in a jail" "runs in a jail" "$out"
  # A helper the jail refuses to run (here: one that fails at once) is a failure, said as such.
  mkdir -p "$WORLD/refused"
  cp "$JAILED" "$WORLD/refused/jailed"
  printf '#!/bin/sh\necho "refused by policy" >&2\nexit 126\n' > "$WORLD/refused/jailed-landlock"
  chmod +x "$WORLD/refused/jailed-landlock"
  out=$("$WORLD/refused/jailed" doctor 2>&1)
  rc=$?
  expect_eq "doctor fails when the helper cannot run in a jail" 1 "$rc"
  expect_contains "doctor says why the helper failed" "does not run in a jail (refused by policy)" "$out"
else
  skip "doctor's Landlock helper probe" "this kernel has no Landlock"
fi

out=$(PATH=/nonexistent "$JAILED" doctor 2>&1)
rc=$?
expect_eq "doctor without bwrap exits 5" 5 "$rc"
expect_contains "doctor without bwrap says how to install it" "apt install bubblewrap" "$out"

out=$(NO_COLOR=1 script -qec "$JAILED doctor" /dev/null 2>&1)
expect_not_contains "NO_COLOR turns colour off on a terminal" $'\033[' "$out"
out=$(script -qec "$JAILED doctor" /dev/null 2>&1)
expect_contains "colour on a terminal" $'\033[32m' "$out"

"$JAILED" deny >/dev/null 2>&1
out=$("$JAILED" run demo -c true 2>&1)
expect_contains "a denied file does not run" "is denied" "$out"
"$JAILED" prune >/dev/null 2>&1
rm -rf "$WORK/app"
cd "$WORK" || exit 1
out=$("$JAILED" prune 2>&1)
expect_contains "prune forgets a removed project" "forgot $WORK/app/.jailed" "$out"

finish
