#!/usr/bin/env bash
# Bad input against the real binary: malformed and unsafe .jailed files, a corrupt trust
# database, hostile directory names, racing shells, usage errors and a missing bwrap.
# Every case checks the exact message and exit status, and that nothing bad got loaded.
# Scenarios run in ( ) subshells on purpose: each gets its own environment and shell state.
# shellcheck disable=SC2030,SC2031
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
new_world

# capture CMD...: runs CMD, leaving its status in RC and its output in OUT and ERR.
capture() {
  "$@" >"$WORLD/out" 2>"$WORLD/err"
  RC=$?
  OUT=$(cat "$WORLD/out")
  ERR=$(cat "$WORLD/err")
}

# prompt: what the bash hook does at a prompt, in the current shell.
prompt() {
  capture "$JAILED" export bash
  eval "$OUT"
}

# write_valid DIR: the smallest project that allows and loads.
write_valid() {
  mkdir -p "$1"
  printf '[agent demo]\npackage = host:bash\n' >"$1/.jailed"
  chmod 644 "$1/.jailed"
}

# record_of FILE: the trust record of FILE from `status --all --json` (empty if none).
record_of() {
  "$JAILED" status --all --json 2>/dev/null | grep -o "{\"path\":\"$1\",\"state\":\"[a-z]*\",\"hash\":\"[0-9a-f]*\"" || true
}

# expected_hash FILE: the trust hash jailed records: SHA-256 of realpath + "\n" + content.
expected_hash() {
  { printf '%s/.jailed\n' "$(cd "$(dirname "$1")" && pwd -P)"; cat "$1"; } | sha256sum | cut -d' ' -f1
}

# on_path DIR: succeeds if DIR is an entry of $PATH.
on_path() {
  case ":$PATH:" in *":$1:"*) return 0 ;; esac
  return 1
}

# `jailed run` checks for bwrap and user namespaces before anything else; where they are
# unavailable it exits 5, and the checks of what it refuses after that cannot run.
write_valid "$WORK/probe"
HAVE_SANDBOX=1
(cd "$WORK/probe" && "$JAILED" run demo >/dev/null 2>&1)
[ $? -eq 5 ] && HAVE_SANDBOX=0

# expect_run NAME STATUS NEEDLE [ARGS...]: `jailed run ARGS` (default: demo) exits STATUS and
# says NEEDLE; SKIP where there is no sandbox.
expect_run() {
  local name=$1 status=$2 needle=$3
  shift 3
  if [ "$HAVE_SANDBOX" = 0 ]; then
    skip "$name" "bwrap or user namespaces unavailable: jailed run exits 5 first"
    return
  fi
  capture "$JAILED" run "${@:-demo}"
  expect_eq "$name: status" "$status" "$RC"
  expect_contains "$name: message" "$needle" "$ERR"
}

# ---------------------------------------------------------------------------------------
# Malformed .jailed files. Each case: NAME, LINE (empty: a file-level error), what follows
# "FILE:LINE: " in the message, and a writer that puts the broken file in a directory.

broken_netwrok() { printf '[agent demo]\npackage = host:bash\nnetwrok = on\n' >"$1/.jailed"; }
broken_section() { printf '[agnet x]\npackage = host:bash\n' >"$1/.jailed"; }
broken_name() { printf '[agent Bad!]\npackage = host:bash\n' >"$1/.jailed"; }
# NULs on the first line, so the report names line 1 whatever the random bytes hold.
broken_binary() { { printf '[agent demo]\0\0\n'; head -c 4096 /dev/urandom; printf '\0\0'; } >"$1/.jailed"; }
broken_huge() { { printf '[agent demo]\npackage = host:bash\n'; head -c 10485760 /dev/zero | tr '\0' '#'; } >"$1/.jailed"; }
broken_quote() { printf '[agent demo]\npackage = "host:bash\n' >"$1/.jailed"; }
broken_outside() { printf 'network = on\n[agent demo]\npackage = host:bash\n' >"$1/.jailed"; }

cases=(
  'netwrok|3|unknown key "netwrok" (did you mean "network"?)'
  'section|1|unknown section "agnet" (did you mean "agent"?)'
  'name|1|invalid agent name "Bad!" (use lowercase letters, digits, ".", "_" and "-", starting with a letter or digit, at most 64 characters)'
  'binary|1|line 1 is not valid UTF-8 text (is this a binary file?)'
  'huge||is larger than 1 MiB; a .jailed is a short text file'
  'quote|2|unterminated quote in the value of "package" (close it with ")'
  'outside|1|key "network" is outside any section (put it under [jail] or [agent NAME])'
)

for entry in "${cases[@]}"; do
  IFS='|' read -r kind line what <<<"$entry"
  if [ -n "$line" ]; then where=":$line: "; else where=" "; fi

  # Never allowed: allow refuses with the file and line, and nothing is recorded.
  dir="$WORK/bad-$kind"
  mkdir -p "$dir"
  "broken_$kind" "$dir"
  chmod 644 "$dir/.jailed"
  capture "$JAILED" allow "$dir"
  expect_eq "malformed $kind: allow exits 4" 4 "$RC"
  expect_eq "malformed $kind: allow names file:line" "jailed: error: $dir/.jailed$where$what" "$(head -n 1 <<<"$ERR")"
  if [ -n "$line" ]; then
    expect_eq "malformed $kind: allow says what to do" "not allowed: fix the file, then run 'jailed allow' again" \
      "$(sed -n 2p <<<"$ERR")"
  fi
  capture "$JAILED" status --json "$dir"
  if [ "$kind" = huge ]; then
    expect_contains "malformed $kind: status refuses to read it" "\"trust\":\"unsafe\"" "$OUT"
  else
    expect_contains "malformed $kind: status says not allowed" "\"trust\":\"not-allowed\"" "$OUT"
  fi
  expect_eq "malformed $kind: no trust record" "" "$(record_of "$dir/.jailed")"

  # Allowed and loaded, then broken: nothing of the broken file is used, the old record
  # stays, and the exact old bytes are allowed again without a new allow.
  dir="$WORK/prev-$kind"
  write_valid "$dir"
  cp "$dir/.jailed" "$WORK/saved-$kind"
  (
    cd "$dir" || exit 1
    capture "$JAILED" allow
    expect_eq "after allow, $kind: allow exits 0" 0 "$RC"
    before=$(record_of "$dir/.jailed")
    expect_contains "after allow, $kind: recorded" "\"state\":\"allowed\",\"hash\":\"$(expected_hash "$dir/.jailed")\"" "$before"
    prompt
    shims=${JAILED_SHIMS:-none}
    if on_path "$shims" && [ -L "$shims/jailed-demo" ]; then pass "after allow, $kind: loaded"; else fail "after allow, $kind: loaded" "PATH=$PATH"; fi

    "broken_$kind" "$dir"
    prompt
    expect_eq "after allow, $kind: export exits 0" 0 "$RC"
    if on_path "$shims"; then fail "after allow, $kind: shims leave PATH" "PATH=$PATH"; else pass "after allow, $kind: shims leave PATH"; fi
    expect_eq "after allow, $kind: JAILED_SHIMS unset" "unset" "${JAILED_SHIMS-unset}"
    expect_eq "after allow, $kind: export reports one line" 1 "$(grep -c . <<<"$ERR")"
    if [ "$kind" = huge ]; then
      expect_eq "after allow, $kind: export names the file" "jailed: $dir/.jailed $what" "$ERR"
    else
      # The edited bytes are not trusted, so they are not parsed: the prompt says they changed,
      # and 'jailed allow' names the broken line.
      expect_eq "after allow, $kind: export says it changed" \
        "jailed: unloaded jailed-demo: $dir/.jailed changed since you allowed it; review it ('jailed allow' shows what changed)" "$ERR"
      capture "$JAILED" allow "$dir"
      expect_eq "after allow, $kind: allow names file:line" "jailed: error: $dir/.jailed$where$what" "$(head -n 1 <<<"$ERR")"
    fi
    prompt
    expect_eq "after allow, $kind: reported once" "" "$ERR"
    if on_path "$shims"; then fail "after allow, $kind: still unloaded" "PATH=$PATH"; else pass "after allow, $kind: still unloaded"; fi
    expect_eq "after allow, $kind: previous record kept" "$before" "$(record_of "$dir/.jailed")"
    if [ "$kind" = huge ]; then
      # The file is refused before its hash is taken: it is not a .jailed jailed will read.
      expect_run "after allow, $kind: run refuses" 4 "$dir/.jailed is larger than 1 MiB"
    else
      expect_run "after allow, $kind: run refuses" 3 "$dir/.jailed changed since you allowed it"
    fi
    capture "$JAILED" explain demo
    if [ "$kind" = huge ]; then expected=4; else expected=3; fi
    expect_eq "after allow, $kind: explain refuses" "$expected" "$RC"

    cp "$WORK/saved-$kind" "$dir/.jailed"
    prompt
    if on_path "$shims" && [ -L "$shims/jailed-demo" ]; then
      pass "after allow, $kind: old bytes load again"
    else
      fail "after allow, $kind: old bytes load again" "PATH=$PATH ERR=$ERR"
    fi
    expect_eq "after allow, $kind: old bytes reported loaded" "jailed: loaded $dir/.jailed (jailed-demo)" "$ERR"
    capture "$JAILED" status --json
    expect_contains "after allow, $kind: old bytes allowed" "\"trust\":\"allowed\",\"loaded\":true" "$OUT"
    expect_eq "after allow, $kind: record unchanged" "$before" "$(record_of "$dir/.jailed")"
  )
done

# ---------------------------------------------------------------------------------------
# Unsafe files: allow refuses with exit 3 and says what to do; export never loads them,
# whether or not the shell had loaded the file before.

# unsafe_case NAME MAKE_UNSAFE EXPECTED_MESSAGE
unsafe_case() {
  local kind=$1 make=$2 message=$3 dir="$WORK/unsafe-$1"
  write_valid "$dir"
  (
    cd "$dir" || exit 1
    "$make" "$dir"
    capture "$JAILED" allow
    expect_eq "unsafe $kind: allow exits 3" 3 "$RC"
    expect_eq "unsafe $kind: allow says what to do" "jailed: error: $message" "$ERR"
    expect_eq "unsafe $kind: no trust record" "" "$(record_of "$dir/.jailed")"
    prompt
    expect_eq "unsafe $kind: export reports it" "jailed: $message" "$ERR"
    expect_eq "unsafe $kind: export loads nothing" "unset" "${JAILED_SHIMS-unset}"
    capture "$JAILED" status --json
    expect_contains "unsafe $kind: status says unsafe" "\"trust\":\"unsafe\"" "$OUT"
  )
  # The same file allowed and loaded first, then made unsafe.
  dir="$WORK/unsafe-loaded-$kind"
  write_valid "$dir"
  (
    cd "$dir" || exit 1
    "$JAILED" allow >/dev/null 2>&1
    prompt
    local shims=${JAILED_SHIMS:-none}
    if on_path "$shims"; then pass "unsafe $kind after load: loaded"; else fail "unsafe $kind after load: loaded" "$ERR"; fi
    "$make" "$dir"
    prompt
    expect_eq "unsafe $kind after load: export reports it" "jailed: ${message//unsafe-$kind/unsafe-loaded-$kind}" "$ERR"
    if on_path "$shims"; then fail "unsafe $kind after load: unloaded" "PATH=$PATH"; else pass "unsafe $kind after load: unloaded"; fi
    expect_run "unsafe $kind after load: run refuses" 3 "$dir/.jailed"
  )
}

make_group_writable() { chmod 664 "$1/.jailed"; }
make_foreign() { chown 12345 "$1/.jailed"; }
make_symlink() {
  mv "$1/.jailed" "$1/real.jailed"
  ln -s real.jailed "$1/.jailed"
}

f="$WORK/unsafe-group/.jailed"
unsafe_case group make_group_writable "refusing $f: it is writable by others (chmod go-w $f)"
if [ "$(id -u)" = 0 ]; then
  f="$WORK/unsafe-foreign/.jailed"
  unsafe_case foreign make_foreign \
    "$f is owned by uid 12345, not you; jailed will not use it (review it, then replace it with a copy you own)"
else
  skip "unsafe foreign" "chown to another uid needs root"
fi
f="$WORK/unsafe-symlink/.jailed"
unsafe_case symlink make_symlink \
  "$f is a symlink; jailed only reads a regular .jailed file (replace the link with a copy of the file it points to)"

# ---------------------------------------------------------------------------------------
# A corrupt trust database fails closed everywhere and is left for the user to inspect.
(
  export XDG_DATA_HOME="$WORLD/corrupt-data" XDG_STATE_HOME="$WORLD/corrupt-state"
  dir="$WORK/corrupt"
  write_valid "$dir"
  cd "$dir" || exit 1
  "$JAILED" allow >/dev/null 2>&1
  db="$XDG_DATA_HOME/jailed/trust.db"
  prompt
  loaded_shims=${JAILED_SHIMS:-none}
  if on_path "$loaded_shims"; then pass "corrupt db: loaded before"; else fail "corrupt db: loaded before" "$ERR"; fi
  # A launch leaves a record that could stand in for the database: it must not outlive it.
  expect_run "corrupt db: runs before" 0 "" demo -c true

  head -c 8192 /dev/urandom >"$db"
  sum=$(sha256sum <"$db")
  listing=$(ls -A "$XDG_DATA_HOME/jailed")
  message="trust database $db is unreadable (file is not a database); jailed allows nothing until it is fixed: move it aside (mv $db $db.bad) and allow your projects again"

  # A new shell (or a cd into the project) after the corruption.
  (
    unset JAILED_STATE JAILED_DIR JAILED_SHIMS
    PATH=${PATH//"$loaded_shims:"/}
    prompt
    expect_eq "corrupt db: export exits 0" 0 "$RC"
    expect_eq "corrupt db: export says mv" "jailed: $message" "$ERR"
    expect_eq "corrupt db: export loads nothing" "unset" "${JAILED_SHIMS-unset}"
    if on_path "$loaded_shims"; then fail "corrupt db: no shims on PATH" "PATH=$PATH"; else pass "corrupt db: no shims on PATH"; fi
  )
  expect_run "corrupt db: run refuses" 3 "$message"
  capture "$JAILED" status
  expect_eq "corrupt db: status exits 3" 3 "$RC"
  expect_eq "corrupt db: status message" "jailed: error: $message" "$ERR"
  capture "$JAILED" status --all --json
  expect_eq "corrupt db: status --json exits 3" 3 "$RC"
  capture "$JAILED" allow
  expect_eq "corrupt db: allow exits 3" 3 "$RC"
  expect_eq "corrupt db: allow does not recreate it" "jailed: error: $message" "$ERR"
  capture "$JAILED" deny
  expect_eq "corrupt db: deny exits 3" 3 "$RC"
  expect_eq "corrupt db: garbage left in place" "$sum" "$(sha256sum <"$db")"
  expect_eq "corrupt db: nothing created beside it" "$listing" "$(ls -A "$XDG_DATA_HOME/jailed")"
)

# ---------------------------------------------------------------------------------------
# A directory name full of shell metacharacters: shell code and quotes stay data.
(
  # shellcheck disable=SC2016 # the $( ) and backticks are the point: they must never run
  name='$(touch jailed-canary)`touch jailed-canary`"q"'"'s'"x
  dir="$WORK/$name"
  shown="$dir/.jailed"
  write_valid "$dir"
  cd "$dir" || exit 1
  capture "$JAILED" allow
  expect_eq "metachar dir: allow exits 0" 0 "$RC"
  expect_eq "metachar dir: allow escapes the name" "jailed: allowed $shown (agents: demo)" "$(tail -n 1 <<<"$ERR")"
  capture "$JAILED" status
  expect_eq "metachar dir: status exits 0" 0 "$RC"
  expect_eq "metachar dir: status escapes the name" "file:    $shown" "$(head -n 1 <<<"$OUT")"
  expect_contains "metachar dir: status sees it allowed" "trust:   allowed" "$OUT"
  capture "$JAILED" status --json "$dir"
  expect_eq "metachar dir: status --json exits 0" 0 "$RC"
  expect_contains "metachar dir: status --json sees it allowed" "\"trust\":\"allowed\"" "$OUT"
  expect_eq "metachar dir: status --json is one line" 1 "$(wc -l <<<"$OUT")"
  prompt
  expect_eq "metachar dir: export exits 0" 0 "$RC"
  expect_eq "metachar dir: export escapes the name" "jailed: loaded $shown (jailed-demo)" "$ERR"
  expect_eq "metachar dir: JAILED_DIR round-trips" "$dir" "${JAILED_DIR:-}"
  if on_path "${JAILED_SHIMS:-none}"; then pass "metachar dir: loaded"; else fail "metachar dir: loaded" "PATH=$PATH"; fi
  prompt
  expect_eq "metachar dir: second prompt quiet" "" "$ERR$OUT"

  printf '[agent demo]\npackage = host:bash\nnetwrok = on\n' >"$dir/.jailed"
  capture "$JAILED" allow
  expect_eq "metachar dir: broken allow exits 4" 4 "$RC"
  expect_eq "metachar dir: error escapes the name" \
    "jailed: error: $shown:3: unknown key \"netwrok\" (did you mean \"network\"?)" "$(head -n 1 <<<"$ERR")"
  prompt
  expect_eq "metachar dir: changed file unloads" "unset" "${JAILED_SHIMS-unset}"
  expect_eq "metachar dir: changed message is one line" 1 "$(grep -c . <<<"$ERR")"

  cd / || exit 1
  canaries=$(find "$WORLD" / /tmp -maxdepth 1 -name jailed-canary 2>/dev/null; find "$WORLD" -name jailed-canary 2>/dev/null)
  expect_eq "metachar dir: no command ran" "" "$canaries"
)

# ---------------------------------------------------------------------------------------
# A directory name with shell code, a newline and an invalid UTF-8 byte: a name that cannot
# be shown as it is is refused (it could pass for another path), and shown escaped.
(
  # shellcheck disable=SC2016 # the $( ) and backticks are the point: they must never run
  name='$(touch jailed-canary)`touch jailed-canary`"q"'"'s'"$'\n\xff'x
  dir="$WORK/$name"
  shown="\"$WORK/\$(touch jailed-canary)\`touch jailed-canary\`\\\"q\\\"'s'\\x0a\\xffx/.jailed\""
  refusal="refusing $shown: its path holds the control character \\x0a, which can make it display as another path (rename the directory)"
  write_valid "$dir"
  cd "$dir" || exit 1
  capture "$JAILED" allow
  expect_eq "control-char dir: allow exits 3" 3 "$RC"
  expect_eq "control-char dir: allow refuses it, escaped" "jailed: error: $refusal" "$ERR"
  capture "$JAILED" status
  expect_eq "control-char dir: status escapes the name" "file:    $shown" "$(head -n 1 <<<"$OUT")"
  expect_contains "control-char dir: status says unsafe" "trust:   unsafe" "$OUT"
  capture "$JAILED" status --json "$dir"
  expect_contains "control-char dir: status --json says unsafe" "\"trust\":\"unsafe\"" "$OUT"
  expect_eq "control-char dir: status --json is one line" 1 "$(wc -l <<<"$OUT")"
  prompt
  expect_eq "control-char dir: export exits 0" 0 "$RC"
  expect_eq "control-char dir: export refuses it, escaped" "jailed: $refusal" "$ERR"
  expect_eq "control-char dir: nothing loaded" "unset" "${JAILED_SHIMS-unset}"
  prompt
  expect_eq "control-char dir: said once" "" "$ERR$OUT"
  capture "$JAILED" run demo -c true
  expect_eq "control-char dir: run refuses it (exit 3)" 3 "$RC"
  cd / || exit 1
  canaries=$(find "$WORLD" / /tmp -maxdepth 1 -name jailed-canary 2>/dev/null; find "$WORLD" -name jailed-canary 2>/dev/null)
  expect_eq "control-char dir: no command ran" "" "$canaries"
)

# ---------------------------------------------------------------------------------------
# Two shells racing: 20 jailed processes at a time on one trust database that does not exist
# yet, each project ending with a known decision.
(
  export XDG_DATA_HOME="$WORLD/race-data" XDG_STATE_HOME="$WORLD/race-state"
  for i in $(seq 1 10); do write_valid "$WORK/race/p$i"; done

  # decide I: the decisions of project I in order; the last one counts.
  decide() {
    local i=$1 _
    cd "$WORK/race/p$i" || exit 1
    for _ in 1 2 3; do
      "$JAILED" allow >/dev/null 2>>"$WORLD/race.err" || echo "allow p$i: $?" >>"$WORLD/race.rc"
      "$JAILED" deny >/dev/null 2>>"$WORLD/race.err" || echo "deny p$i: $?" >>"$WORLD/race.rc"
    done
    if [ $((i % 2)) = 0 ]; then
      printf '# edited\n' >>.jailed
      "$JAILED" allow >/dev/null 2>>"$WORLD/race.err" || echo "allow p$i: $?" >>"$WORLD/race.rc"
    fi
  }
  # prompts I: a shell sitting in project I, prompting over and over.
  prompts() {
    local _
    cd "$WORK/race/p$1" || exit 1
    for _ in 1 2 3 4 5 6; do
      "$JAILED" export bash >/dev/null 2>>"$WORLD/race.prompt" || echo "export p$1: $?" >>"$WORLD/race.rc"
    done
  }
  : >"$WORLD/race.rc"
  : >"$WORLD/race.err"
  : >"$WORLD/race.prompt"
  # First round: allows and exports only, all at once, racing to create the database.
  pids=()
  for i in $(seq 1 10); do
    (cd "$WORK/race/p$i" && "$JAILED" allow >/dev/null 2>>"$WORLD/race.err" || echo "allow p$i: $?" >>"$WORLD/race.rc") &
    pids+=($!)
    (cd "$WORK/race/p$i" && "$JAILED" export bash >/dev/null 2>>"$WORLD/race.prompt" || echo "export p$i: $?" >>"$WORLD/race.rc") &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  expect_eq "race: 20 concurrent allow/export all exit 0" "" "$(cat "$WORLD/race.rc")"
  # Second round: allow/deny/export loops, 20 processes at a time.
  pids=()
  for i in $(seq 1 10); do
    decide "$i" &
    pids+=($!)
    prompts "$i" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  expect_eq "race: allow/deny/export loops all exit 0" "" "$(cat "$WORLD/race.rc")"
  expect_not_contains "race: no database is locked" "locked" "$(cat "$WORLD/race.err" "$WORLD/race.prompt")"
  expect_not_contains "race: no errors" "error" "$(cat "$WORLD/race.err" "$WORLD/race.prompt")"

  records=$("$JAILED" status --all --json)
  expect_eq "race: one record per project" 10 "$(grep -o '{"path":"[^"]*","state"' <<<"$records" | wc -l)"
  bad=""
  for i in $(seq 1 10); do
    f="$WORK/race/p$i/.jailed"
    if [ $((i % 2)) = 0 ]; then
      want="{\"path\":\"$f\",\"state\":\"allowed\",\"hash\":\"$(expected_hash "$f")\""
      trust=allowed
    else
      want="{\"path\":\"$f\",\"state\":\"denied\",\"hash\":\"\""
      trust=denied
    fi
    [ "$(record_of "$f")" = "$want" ] || bad="$bad p$i:record=$(record_of "$f")"
    "$JAILED" status --json "$f" | grep -q "\"trust\":\"$trust\"" || bad="$bad p$i:status"
  done
  expect_eq "race: every project shows its last decision" "" "$bad"
)

# ---------------------------------------------------------------------------------------
# Usage errors and a missing bubblewrap.
write_valid "$WORK/usage"
(
  cd "$WORK/usage" || exit 1
  "$JAILED" allow >/dev/null 2>&1
  capture "$JAILED" alow
  expect_eq "usage: misspelt command exits 2" 2 "$RC"
  expect_eq "usage: misspelt command suggests" "jailed: error: unknown command \"alow\" (did you mean \"allow\"?) (see 'jailed --help')" "$ERR"
  capture "$JAILED" allow --bogus
  expect_eq "usage: unknown option exits 2" 2 "$RC"
  expect_eq "usage: unknown option message" "jailed: error: jailed allow: unknown option --bogus (see 'jailed allow --help')" "$ERR"
  capture "$JAILED" export
  expect_eq "usage: export without a shell exits 2" 2 "$RC"
  expect_eq "usage: export without a shell message" "jailed: error: jailed export: which shell? (jailed export bash|zsh|fish|json)" "$ERR"
  capture "$JAILED" export tcsh
  expect_eq "usage: export of an unknown shell exits 2" 2 "$RC"
  expect_run "usage: run of an unknown agent" 2 \
    "jailed: error: no agent \"nosuchagent\" in $WORK/usage/.jailed (agents: demo)" nosuchagent
  expect_run "usage: run of a misspelt agent" 2 "(did you mean \"demo\"?)" dmeo
  capture "$JAILED" explain nosuchagent
  expect_eq "usage: explain of an unknown agent exits 2" 2 "$RC"
  expect_eq "usage: explain lists the agents" "jailed: error: no agent \"nosuchagent\" in $WORK/usage/.jailed (agents: demo)" "$ERR"

  capture env -u JAILED_BWRAP PATH=/nonexistent "$JAILED" run demo
  expect_eq "no bwrap: run exits 5" 5 "$RC"
  expect_eq "no bwrap: says how to install bubblewrap" \
    "jailed: error: bwrap (bubblewrap) is not installed: install it (sudo apt install bubblewrap) and try again" "$ERR"
)

finish
