# Shared helpers for integration suites: an isolated home, and PASS/FAIL/SKIP lines.
# A suite sources this file, then calls the checks; tests/run counts the lines.
set -u

: "${JAILED:?JAILED must point at the jailed binary}"
JAILED=$(cd "$(dirname "$JAILED")" && pwd)/$(basename "$JAILED")

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
