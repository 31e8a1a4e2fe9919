# shellcheck shell=bash
# Shared helpers for integration suites: an isolated home, and PASS/FAIL/SKIP lines.
# A suite sources this file, calls the checks and ends with `finish`; tests/run counts the
# lines and fails a suite that exits non-zero or without reaching `finish`.
set -u

: "${JAILED:?JAILED must point at the jailed binary}"
JAILED=$(cd "$(dirname "$JAILED")" && pwd)/$(basename "$JAILED")
# The checkout, found before a suite changes directory.
JAILED_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Creates a fresh temporary world: HOME and the XDG dirs inside it, cwd at $WORK.
# Everything lives under one directory removed when the suite exits.
new_world() {
  WORLD=$(mktemp -d /tmp/jailed-test.XXXXXX)
  chmod 755 "$WORLD"
  export HOME="$WORLD/home"
  export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share"
  export XDG_STATE_HOME="$HOME/.local/state" XDG_CACHE_HOME="$HOME/.cache"
  unset JAILED_DIR JAILED_SHIMS JAILED_STATE JAILED_HOOK
  mkdir -p "$HOME" "$WORLD/work"
  WORK="$WORLD/work"
  cd "$WORK" || exit 1
  trap 'cd /; rm -rf "$WORLD"' EXIT
}

# finish: the suite's last call. Without its marker the runner counts the suite as failed,
# so a suite that dies halfway can never pass.
finish() { printf 'END %s\n' "$(basename "$0" .sh)"; }

pass() { printf 'PASS %s\n' "$1"; }
fail() { printf 'FAIL %s: %s\n' "$1" "$2"; }
skip() { printf 'SKIP %s: %s\n' "$1" "$2"; }

# check NAME CMD...: passes if CMD exits 0.
check() {
  local name=$1
  shift
  local out
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "command failed: $* :: ${out:0:400}"; fi
}

# check_fails NAME CMD...: passes if CMD exits non-zero.
check_fails() {
  local name=$1
  shift
  if "$@" >/dev/null 2>&1; then fail "$name" "command succeeded: $*"; else pass "$name"; fi
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
  if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "expected [$2], got [$3]"; fi
}

# expect_contains NAME NEEDLE HAYSTACK
expect_contains() {
  case $3 in
    *"$2"*) pass "$1" ;;
    *) fail "$1" "expected to find [$2] in [${3:0:600}]" ;;
  esac
}

# expect_not_contains NAME NEEDLE HAYSTACK
expect_not_contains() {
  case $3 in
    *"$2"*) fail "$1" "did not expect [$2] in [${3:0:600}]" ;;
    *) pass "$1" ;;
  esac
}

# require_tools SUITE TOOL...: prints one SKIP and exits the suite when a tool is missing.
require_tools() {
  local suite=$1
  shift
  local tool
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      skip "$suite" "$tool is not installed (make deps installs it)"
      finish
      exit 0
    fi
  done
}

# write_jailed DIR TEXT: writes DIR/.jailed with safe permissions.
write_jailed() {
  mkdir -p "$1"
  printf '%s\n' "$2" > "$1/.jailed"
  chmod 644 "$1/.jailed"
}

# wait_until SECONDS CMD...: polls CMD every 20 ms until it succeeds; returns 1 if SECONDS pass
# first. For waiting on an event instead of sleeping a guessed time.
wait_until() {
  local deadline=$(( ${EPOCHREALTIME/./} + $1 * 1000000 ))
  shift
  until "$@"; do
    [ "${EPOCHREALTIME/./}" -lt "$deadline" ] || return 1
    sleep 0.02
  done
}

# require_nix_build SUITE: prints one SKIP and ends the suite unless this user can build with
# Nix here (a tiny derivation, built for real: installed is not the same as usable).
require_nix_build() {
  local why
  if ! why=$("$(dirname "${BASH_SOURCE[0]}")/../../scripts/nix-can-build" 2>&1); then
    skip "$1" "nix cannot build for $(id -un) here: $why"
    finish
    exit 0
  fi
}

# rerun_as_alice VAR: run by root, runs this suite again as the unprivileged user alice with
# VAR=alice set; her PASS/FAIL/SKIP lines join this run's. alice is created when missing (and
# joins nix-users), and runs copies of the build, the tests and the scripts under /tmp: the
# checkout may sit where she cannot read it (CI clones under /root).
rerun_as_alice() {
  local var=$1 name copy out
  name=$(basename "$0" .sh)
  # Suites run at once may both create her: the one whose useradd loses finds her made.
  if ! id alice >/dev/null 2>&1 &&
     ! useradd --create-home --shell /bin/bash alice >/dev/null 2>&1 && ! id alice >/dev/null 2>&1; then
    skip "$name as alice" "the user alice is missing and useradd failed"
    return
  fi
  if getent group nix-users >/dev/null; then usermod -a -G nix-users alice 2>/dev/null; fi
  copy=$(mktemp -d /tmp/jailed-as-alice.XXXXXX)
  mkdir -p "$copy/build"
  cp "$JAILED" "$copy/build/jailed"
  if [ -e "$(dirname "$JAILED")/jailed-landlock" ]; then cp "$(dirname "$JAILED")/jailed-landlock" "$copy/build/"; fi
  cp -r "$JAILED_REPO/tests" "$JAILED_REPO/scripts" "$copy/"
  chmod -R a+rX "$copy"
  out=$(su alice -s /bin/bash -c "cd / && env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
        JAILED='$copy/build/jailed' JAILED_NIX_PROBE='$copy/scripts/nix-can-build' $var=alice \
        bash '$copy/tests/integration/$(basename "$0")'" 2>&1)
  rm -rf "$copy"
  printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIP) '
  expect_contains "$name as alice: ran to its end" "END $name" "$out"
}

# without_session_line TEXT: TEXT without the line jailed prints when an agent's session ends
# (what it changed), for checks of what the agent itself printed.
without_session_line() {
  printf '%s\n' "$1" | grep -vE '^jailed: .*( changed nothing in the project|[0-9]+ added, [0-9]+ changed, [0-9]+ deleted \(review: jailed diff)' || true
}
