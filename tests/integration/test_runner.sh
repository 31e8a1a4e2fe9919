#!/usr/bin/env bash
# The test runner itself: a suite counts only when it exits 0 after its end marker, so a suite
# that crashes, is killed, hangs or stops early fails the run, whatever it printed before.
# shellcheck disable=SC2016  # the suites written here expand their own variables
. "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
RUNNER="$HERE/../run"
BUILD=$(dirname "$JAILED")
new_world
SUITES="$WORLD/suites"
mkdir -p "$SUITES"
cp "$HERE/lib.sh" "$SUITES/lib.sh"

# suite NAME BODY: writes a suite that sources lib.sh and runs BODY.
suite() {
  printf '#!/usr/bin/env bash\n. "$(dirname "$0")/lib.sh"\n%s\n' "$2" > "$SUITES/$1.sh"
}

# run_only NAME...: runs the runner over exactly these suites; sets OUT and RC.
run_only() {
  OUT=$(JAILED_TEST_SUITES="$SUITES" JAILED_TEST_TIMEOUT=3 "$RUNNER" "$BUILD" "$@" 2>&1)
  RC=$?
}

suite test_good 'pass "one"; pass "two"; finish'
suite test_dies 'set -u; pass "before"; echo "$never_set"; pass "after"; finish'
suite test_killed 'pass "before"; kill -KILL $$'
suite test_no_marker 'pass "before"; exit 0'
suite test_hangs 'pass "before"; sleep 30; finish'
suite test_fails 'pass "one"; fail "two" "wrong"; finish'
suite test_skips 'skip "all" "no such tool"; finish'
suite test_exit_after_marker 'pass "one"; finish; exit 3'

run_only test_good
expect_eq "runner: a suite that finishes passes the run" 0 "$RC"
expect_eq "runner: ... and ends with the plain count line" "2 passed, 0 failed" "$(printf '%s\n' "$OUT" | tail -n 1)"

run_only test_dies
expect_eq "runner: a suite that dies halfway fails the run" 1 "$RC"
expect_contains "runner: ... naming the suite and how it ended" "FAIL test_dies: the suite exited with status 1" "$OUT"
expect_eq "runner: ... and counts the crash as a failure" "1 passed, 1 failed" "$(printf '%s\n' "$OUT" | tail -n 1)"

run_only test_killed
expect_eq "runner: a killed suite fails the run" 1 "$RC"
expect_contains "runner: ... naming the signal" "FAIL test_killed: the suite was killed by signal 9" "$OUT"

run_only test_no_marker
expect_eq "runner: a suite that exits 0 before its end marker fails the run" 1 "$RC"
expect_contains "runner: ... saying so" "FAIL test_no_marker: the suite stopped before its end marker" "$OUT"

run_only test_hangs
expect_eq "runner: a suite that runs past the timeout fails the run" 1 "$RC"
expect_contains "runner: ... saying it timed out" "FAIL test_hangs: the suite timed out after 3s" "$OUT"

run_only test_exit_after_marker
expect_eq "runner: a non-zero exit after the marker still fails" 1 "$RC"

run_only test_fails
expect_eq "runner: a FAIL line fails the run" 1 "$RC"
expect_eq "runner: ... counted once" "1 passed, 1 failed" "$(printf '%s\n' "$OUT" | tail -n 1)"

run_only test_skips
expect_eq "runner: a suite that only skips does not fail the run" 0 "$RC"
expect_contains "runner: ... and its skip is listed with the reason" "SKIP all: no such tool" "$OUT"
expect_eq "runner: ... and nothing counts as passed" "0 passed, 0 failed" "$(printf '%s\n' "$OUT" | tail -n 1)"

run_only test_good test_missing
expect_eq "runner: an unknown suite fails the run" 1 "$RC"

# Every suite given at once: failures add up, and the good one still counts.
OUT=$(JAILED_TEST_SUITES="$SUITES" JAILED_TEST_TIMEOUT=3 "$RUNNER" "$BUILD" 2>&1)
expect_eq "runner: all suites in one run" "8 passed, 6 failed" "$(printf '%s\n' "$OUT" | tail -n 1)"

# With -j, suites run at once, their output still shown whole and in order.
OUT=$(JAILED_TEST_SUITES="$SUITES" JAILED_TEST_TIMEOUT=3 "$RUNNER" -j 4 "$BUILD" 2>&1)
expect_eq "runner -j: the same counts" "8 passed, 6 failed" "$(printf '%s\n' "$OUT" | tail -n 1)"
expect_eq "runner -j: suites reported in order" \
  "$(printf '== %s\n' test_dies test_exit_after_marker test_fails test_good test_hangs test_killed test_no_marker test_skips)" \
  "$(printf '%s\n' "$OUT" | grep '^== ')"
expect_contains "runner -j: a crash still names the suite" "FAIL test_dies: the suite exited with status 1" "$OUT"

# Two suites that each wait for the other pass only when they run at the same time.
MEET="$WORLD/meet"
PAIR="$WORLD/pair"
mkdir -p "$PAIR"
cp "$HERE/lib.sh" "$PAIR/lib.sh"
for side in a b; do
  other=$([ $side = a ] && echo b || echo a)
  printf '#!/usr/bin/env bash\n. "$(dirname "$0")/lib.sh"\n%s\n' \
    "touch '$MEET/$side'; if wait_until 2 test -e '$MEET/$other'; then pass '$side met $other'; else fail '$side met $other' 'never came'; fi; finish" \
    > "$PAIR/test_meet_$side.sh"
done
pair() { rm -rf "$MEET"; mkdir -p "$MEET"; JAILED_TEST_SUITES="$PAIR" "$RUNNER" "$@" "$BUILD" 2>&1 | tail -n 1; }
expect_eq "runner -j2: two suites run at once" "2 passed, 0 failed" "$(pair -j2)"
expect_eq "runner -j2: control: one at a time, the first waits in vain" "1 passed, 1 failed" "$(pair -j 1)"
check_fails "runner: -j wants a number" "$RUNNER" -j x "$BUILD"

finish
