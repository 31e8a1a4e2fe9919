#!/usr/bin/env bash
# Sandbox escape tests: every attack is tried for real inside a jail, its failure is checked
# from the outside too (host files unchanged, host listener saw nothing, no stray processes),
# and a positive control shows the probe itself works, so a broken probe cannot pass.
# Runs as root in CI, where only the jail stands between the agent and everything.
# shellcheck disable=SC2016  # the jailed scripts are single-quoted on purpose
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_tools test_sandbox bwrap python3 git setsid nohup pgrep timeout unshare sha256sum
new_world

M=$$  # unique marker for this run: processes are "sleep 300.${M}N", files end in -$M

# marked N: the pids of this run's "sleep 300.${M}N" processes (N a digit or a [class]).
marked() { pgrep -f "^sleep 300\\.${M}$1\$"; }

SUITE_PIDS=()
# Paths the jail writes outside the project; they must never reach the host, and a broken jail
# must not leave them behind either.
HOST_LITTER=("/etc/jailed-test-$M" "/usr/jailed-test-$M" "/tmp/jailed-test-$M" "/etc/jailed-test-link-$M"
  "/tmp/jailed-test-env1-$M" "/tmp/jailed-test-env2-$M")
cleanup() {
  local pid
  for pid in "${SUITE_PIDS[@]}" $(marked '[0-9]'); do kill "$pid" 2>/dev/null; done
  rm -f "${HOST_LITTER[@]}"
  cd / && rm -rf "$WORLD"
}
trap cleanup EXIT

SHARED="$WORLD/shared"  # granted read-only: positive control for read probes
mkdir -p "$SHARED" "$WORLD/py"
echo "GRANTED_CANARY_$M" > "$SHARED/canary"

# A project whose agent "sh" is the host's bash; extra .jailed lines follow [agent sh].
make_project() {
  local dir=$1
  shift
  local text=$'[agent sh]\npackage = host:bash'
  local line
  for line in "$@"; do text+=$'\n'"$line"; done
  write_jailed "$dir" "$text"
  local out
  out=$("$JAILED" allow "$dir" 2>&1) || { fail "setup: allow $dir" "jailed allow failed: $out"; exit 1; }
}

# jrun DIR SCRIPT [ARGS...]: runs SCRIPT in the jail from DIR; sets OUT (stdout+stderr) and RC.
jrun() {
  local dir=$1 script=$2
  shift 2
  OUT=$(cd "$dir" && timeout -k 5 30 "$JAILED" run sh -c "$script" sh "$@" 2>&1 </dev/null)
  RC=$?
}

sha() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }

# expect_true NAME DETAIL TEST...: passes if `test TEST...` holds.
expect_true() {
  local name=$1 detail=$2
  shift 2
  if test "$@"; then pass "$name"; else fail "$name" "$detail"; fi
}

# ---------------------------------------------------------------------------------------------
# Helpers in python: a pty harness, a TIOCSTI attacker, a loopback/abstract-socket listener.
# shellcheck source=tests/integration/sandbox_probes.sh
. "$JAILED_REPO/tests/integration/sandbox_probes.sh"

# The kernel's Landlock ABI (0 without Landlock): scopes for abstract sockets need 6.
LANDLOCK_ABI=$(python3 -c 'import ctypes; print(max(0, ctypes.CDLL(None).syscall(444, None, 0, 1)))')

# ---------------------------------------------------------------------------------------------
# The host: secrets in the caller's home and environment.
mkdir -p "$HOME/.ssh" "$HOME/.aws" "$HOME/src"
echo "SSH_CANARY_$M" > "$HOME/.ssh/id_ed25519"
echo "AWS_CANARY_$M" > "$HOME/.aws/credentials"
echo "machine example.com login me password NETRC_CANARY_$M" > "$HOME/.netrc"
chmod 600 "$HOME/.ssh/id_ed25519" "$HOME/.aws/credentials" "$HOME/.netrc"
printf '# host bashrc %s\n' "$M" > "$HOME/.bashrc"
BASHRC_SHA=$(sha "$HOME/.bashrc")
export SECRET_TOKEN="ENV_SECRET_TOKEN_$M" AWS_SECRET_ACCESS_KEY="ENV_AWS_SECRET_$M"
export GITHUB_TOKEN="ENV_GITHUB_TOKEN_$M" FORWARD_ME="FORWARDED_VALUE_$M" MY_KEY="supersecret"

# The main project lives in the home, as real projects do.
P="$HOME/src/proj"
make_project "$P" "env = FORWARD_ME" "env = MY_KEY" "readonly = $SHARED"

# ---------------------------------------------------------------------------------------------
# 1. Secrets
jrun "$P" '
  for f in "$HOME/.ssh/id_ed25519" "$HOME/.aws/credentials" "$HOME/.netrc" \
           "/proc/self/root$HOME/.ssh/id_ed25519" "/proc/self/root$HOME/.aws/credentials" \
           "/proc/self/root$HOME/.netrc" "$1/canary" "/proc/self/root$1/canary"; do
    if cat "$f" >/dev/null 2>&1; then echo "READ $f: $(cat "$f")"; else echo "DENIED $f"; fi
  done
  echo "HOMELIST[$(ls -A "$HOME")]"
' "$SHARED"
for secret in SSH AWS NETRC; do
  expect_not_contains "secrets: ${secret,,} canary unreadable (direct and via /proc/self/root)" \
    "${secret}_CANARY_$M" "$OUT"
done
expect_contains "secrets: control: a granted file is readable the same way" "READ $SHARED/canary: GRANTED_CANARY_$M" "$OUT"
expect_contains "secrets: control: ... also via /proc/self/root" \
  "READ /proc/self/root$SHARED/canary: GRANTED_CANARY_$M" "$OUT"
# The project lives under the home, so bwrap made that one mount-point path ("src") in it.
expect_contains "secrets: the home inside is empty but for the path to the project" "HOMELIST[src]" "$OUT"
expect_true "secrets: control: the host files are there and readable" "host canary missing" \
  "$(cat "$HOME/.ssh/id_ed25519")" = "SSH_CANARY_$M"

jrun "$P" '
  echo "ENV:"; env
  echo "SELF:"; cat /proc/self/environ | tr "\0" "\n"
  e1=/tmp/jailed-test-env1-$1 e2=/tmp/jailed-test-env2-$1
  echo "PID1:"; cat /proc/1/environ > "$e1" && echo "PID1_READ_OK"; tr "\0" "\n" < "$e1"
  echo "PPID:"; cat /proc/$PPID/environ > "$e2" && echo "PPID_READ_OK"; tr "\0" "\n" < "$e2"
  echo "NAMES:"; tr "\0" "\n" < /proc/$$/environ | sed "s/=.*//" | sort | tr "\n" " "; echo
  echo "CMDLINE1:"; tr "\0" " " < /proc/1/cmdline; echo
' "$M"
for value in "$SECRET_TOKEN" "$AWS_SECRET_ACCESS_KEY" "$GITHUB_TOKEN"; do
  expect_not_contains "secrets: caller's ${value%_"$M"} absent from env and /proc/{self,1,PPID}/environ" "$value" "$OUT"
done
expect_contains "secrets: control: a variable listed in env = is forwarded" "FORWARD_ME=FORWARDED_VALUE_$M" "$OUT"
expect_contains "secrets: control: /proc/self/environ is readable" $'SELF:\n' "$OUT"
case $OUT in
  *$'SELF:\n'*"FORWARD_ME=FORWARDED_VALUE_$M"*"PID1:"*) pass "secrets: control: /proc/self/environ shows forwarded vars" ;;
  *) fail "secrets: control: /proc/self/environ shows forwarded vars" "${OUT:0:600}" ;;
esac
# With the Landlock helper, bwrap (PID 1) lies outside the agent's domain, whose processes may not
# read another's memory or environment at all; without it bwrap's environment is empty.
case $OUT in
  *PID1_READ_OK*) pass "secrets: control: /proc/1/environ is readable (and empty of secrets)" ;;
  *"/proc/1/environ: Permission denied"*) pass "secrets: /proc/1/environ is out of reach (outside the agent's Landlock domain)" ;;
  *) fail "secrets: /proc/1/environ is readable and empty, or out of reach" "${OUT:0:600}" ;;
esac
names=$(printf '%s\n' "$OUT" | sed -n '/^NAMES:$/{n;p}')
extra=""
for n in $names; do
  case $n in
    HOME | USER | LOGNAME | PATH | PWD | TERM | COLORTERM | LANG | LC_* | TZ | TMPDIR | SHELL | JAILED_AGENT | JAILED_NETWORK | FORWARD_ME | MY_KEY) ;;
    *) extra+="$n " ;;
  esac
done
expect_eq "secrets: the agent's initial environment holds only allowlisted names" "" "$extra"
expect_not_contains "secrets: the bwrap command line (host-visible) does not carry forwarded values" \
  "supersecret" "$(printf '%s\n' "$OUT" | sed -n '/^CMDLINE1:$/{n;p}')"

# PID namespace: a host process with a marker must be invisible; the jail's own must be visible.
sleep "300.${M}8" >/dev/null 2>&1 &
host_sleep=$!
SUITE_PIDS+=("$host_sleep")
jrun "$P" '
  sleep "300.${1}7" </dev/null >/dev/null 2>&1 &
  for _ in $(seq 250); do ps -eo args | grep -q "[s]leep 300.${1}7" && break; sleep 0.02; done
  n=$(ls /proc | grep -c "^[0-9][0-9]*$")
  echo "NPIDS=$n"
  # Only list a small pid space: a broken jail would show the host, where a read can block.
  if [ "$n" -le 20 ]; then
    for c in /proc/[0-9]*/cmdline; do tr "\0" " " < "$c"; echo; done
    ps -eo args
  fi
' "$M"
npids=$(printf '%s\n' "$OUT" | sed -n 's/^NPIDS=//p')
expect_true "pidns: only a handful of pids are visible inside" "saw ${npids:-?} pids: ${OUT:0:300}" \
  "${npids:-99}" -le 8
if [ "${npids:-99}" -le 20 ]; then
  expect_not_contains "pidns: a host process is invisible inside" "sleep 300.${M}8" "$OUT"
else
  fail "pidns: a host process is invisible inside" "the jail sees ${npids:-?} pids; not listed"
fi
expect_contains "pidns: control: the jail's own process is listed" "sleep 300.${M}7" "$OUT"
expect_true "pidns: control: the host sees its own marker process" "pgrep missed it" \
  -n "$(marked 8)"
kill "$host_sleep" 2>/dev/null

# ---------------------------------------------------------------------------------------------
# 2. Writes outside the project
mkdir -p "$HOME/.local/bin"
rm -f "${HOST_LITTER[@]}"
jrun "$P" '
  echo EVIL >> ~/.bashrc; echo "bashrc rc=$?"
  echo EVIL >> "/proc/self/root$HOME/.bashrc"
  mkdir -p ~/.local/bin && echo EVIL > ~/.local/bin/git
  echo EVIL > "/etc/jailed-test-$1"
  echo EVIL > "/usr/jailed-test-$1" && echo "USR_WRITE_OK"
  echo EVIL > "/tmp/jailed-test-$1" && echo "TMP_INSIDE[$(cat "/tmp/jailed-test-$1")]"
  echo OK > "$PWD/written-inside" && echo "PROJECT_WRITE_OK"
  echo EVIL > "/jailed-root-$1" 2>/dev/null && echo "ROOT_WRITE_OK"
  mkdir "/etc/jailed-dir-$1" 2>/dev/null && echo "ROOT_MKDIR_OK"
  echo "EVIL::0:0::/:/bin/sh" >> /etc/passwd 2>/dev/null && echo "PASSWD_WRITE_OK"
  chmod 666 /etc/passwd 2>/dev/null && echo "PASSWD_CHMOD_OK"
  grep -q "^$(id -un):" /etc/passwd && echo "PASSWD_READ_OK"
  echo FDS[$(ls /proc/self/fd)]  # the shell'"'"'s 0-2, and 3 for the listing
' "$M"
expect_eq "writes: host ~/.bashrc unchanged" "$BASHRC_SHA" "$(sha "$HOME/.bashrc")"
expect_true "writes: host ~/.local/bin/git not planted" "it exists" ! -e "$HOME/.local/bin/git"
expect_true "writes: /etc write did not reach the host" "/etc/jailed-test-$M exists" ! -e "/etc/jailed-test-$M"
expect_not_contains "writes: /usr is read-only inside" "USR_WRITE_OK" "$OUT"
expect_true "writes: /usr write did not reach the host" "/usr/jailed-test-$M exists" ! -e "/usr/jailed-test-$M"
expect_contains "writes: control: /tmp is writable inside" "TMP_INSIDE[EVIL]" "$OUT"
expect_true "writes: /tmp write vanished (host /tmp untouched)" "/tmp/jailed-test-$M exists" ! -e "/tmp/jailed-test-$M"
expect_contains "writes: control: the project is writable inside" "PROJECT_WRITE_OK" "$OUT"
expect_eq "writes: control: the project write reached the host" "OK" "$(cat "$P/written-inside" 2>/dev/null)"
expect_not_contains "writes: the jail's root is read-only" "ROOT_WRITE_OK" "$OUT"
expect_not_contains "writes: nothing can be created in the jail's /etc" "ROOT_MKDIR_OK" "$OUT"
expect_not_contains "writes: the generated /etc/passwd cannot be appended to" "PASSWD_WRITE_OK" "$OUT"
expect_not_contains "writes: ... nor made writable" "PASSWD_CHMOD_OK" "$OUT"
expect_contains "writes: control: the generated /etc/passwd names the caller" "PASSWD_READ_OK" "$OUT"
expect_contains "writes: the agent starts with stdin, stdout and stderr only" "FDS[0 1 2 3]" "$OUT"

# ---------------------------------------------------------------------------------------------
# 3. Protected files
G="$WORK/gitproj"
mkdir -p "$G"
git -C "$G" init -q
printf '#!/bin/sh\necho host hook\n' > "$G/.git/hooks/pre-commit"
chmod 755 "$G/.git/hooks/pre-commit"
echo 'echo host envrc' > "$G/.envrc"
mkdir -p "$G/.claude"
echo '{}' > "$G/.claude/settings.json"
echo '{}' > "$G/.mcp.json"
make_project "$G"
protected=(.jailed .git/hooks/pre-commit .git/config .envrc .claude/settings.json .mcp.json)
declare -A before
for f in "${protected[@]}"; do before[$f]=$(sha "$G/$f"); done
echo "notes" > "$G/notes.txt"
notes_before=$(sha "$G/notes.txt")
jrun "$G" '
  for f in .jailed .git/hooks/pre-commit .git/config .envrc .claude/settings.json .mcp.json; do
    if echo "EVIL" >> "$f" 2>/dev/null; then echo "APPENDED $f"; else echo "APPEND_DENIED $f"; fi
    if echo "EVIL" > "$f" 2>/dev/null; then echo "TRUNCATED $f"; fi
    rm -f "$f" 2>/dev/null && [ ! -e "$f" ] && echo "REMOVED $f"
  done
  echo EVIL >> "/proc/self/root$PWD/.git/config" 2>/dev/null && echo "PROCROOT_APPEND"
  echo EVIL >> "/proc/self/root$PWD/.jailed" 2>/dev/null && echo "PROCROOT_APPEND"
  echo EVIL > .git/hooks/post-checkout 2>/dev/null && echo "NEW_HOOK"
  git config core.hooksPath /tmp 2>/dev/null && echo "GIT_CONFIG_SET"
  for d in .git .git/hooks .envrc .jailed .claude; do
    if mv "$d" "$d.aside" 2>/dev/null; then
      echo "MOVED $d"
      mkdir -p "$d" 2>/dev/null
    fi
  done
  mkdir -p .git/hooks 2>/dev/null; echo EVIL > .git/hooks/pre-commit 2>/dev/null
  echo "$(date) ok" >> notes.txt && echo "CONTROL_APPEND_OK"
'
for f in "${protected[@]}"; do
  expect_contains "protected: append to $f fails inside" "APPEND_DENIED $f" "$OUT"
  expect_eq "protected: host $f byte-identical afterwards" "${before[$f]}" "$(sha "$G/$f")"
done
expect_not_contains "protected: no file could be removed" "REMOVED" "$OUT"
expect_not_contains "protected: no append through /proc/self/root either" "PROCROOT_APPEND" "$OUT"
expect_not_contains "protected: no new hook in .git/hooks" "NEW_HOOK" "$OUT"
expect_true "protected: host has no new hook" "post-checkout exists" ! -e "$G/.git/hooks/post-checkout"
expect_not_contains "protected: git config cannot set core.hooksPath" "GIT_CONFIG_SET" "$OUT"
expect_not_contains "protected: protected paths and their parents cannot be moved aside" "MOVED" "$OUT"
leftover=$(cd "$G" && ls -d ./*.aside ./.*.aside .git/*.aside 2>/dev/null)
expect_eq "protected: host project holds no moved-aside copies" "" "$leftover"
expect_contains "protected: control: the same append works on an unprotected project file" "CONTROL_APPEND_OK" "$OUT"
expect_true "protected: control: that append reached the host" "notes.txt unchanged" \
  "$(sha "$G/notes.txt")" != "$notes_before"

# A symlinked protected path makes jailed refuse to start.
S="$WORK/symproj"
mkdir -p "$S"
git -C "$S" init -q
make_project "$S"
jrun "$S" 'touch ran-ok'
expect_true "protected: control: the project runs before the symlink" "rc=$RC, ran-ok missing: $OUT" \
  "$RC" -eq 0 -a -e "$S/ran-ok"
mv "$S/.git/hooks" "$WORK/elsewhere-hooks"
ln -s "$WORK/elsewhere-hooks" "$S/.git/hooks"
jrun "$S" 'touch ran-with-symlink'
expect_eq "protected: symlinked .git/hooks refuses to start (exit 3)" 3 "$RC"
expect_true "protected: ... and nothing ran" "the agent ran" ! -e "$S/ran-with-symlink"
# The same with the hooks directory linked into the project, where the agent can write: host
# git would run whatever lands there.
rm "$S/.git/hooks"
mv "$WORK/elsewhere-hooks" "$S/hooks-dir"
ln -s ../hooks-dir "$S/.git/hooks"
jrun "$S" 'printf "#!/bin/sh\necho planted\n" > hooks-dir/pre-commit && echo PLANTED'
expect_eq "protected: .git/hooks symlinked into the project refuses to start (exit 3)" 3 "$RC"
expect_true "protected: ... and no hook was planted through the link" \
  "the agent wrote $S/hooks-dir/pre-commit, which host git runs via .git/hooks" ! -e "$S/hooks-dir/pre-commit"
rm "$S/.git/hooks"
mv "$S/hooks-dir" "$S/.git/hooks"
echo 'echo decoy' > "$WORK/decoy-envrc"
ln -s "$WORK/decoy-envrc" "$S/.envrc"
jrun "$S" 'touch ran-with-symlink'
expect_eq "protected: symlinked .envrc refuses to start (exit 3)" 3 "$RC"
rm -f "$S/.envrc"

# ---------------------------------------------------------------------------------------------
# 4. Symlinks and hard links
echo "target" > "$P/target.txt"
echo "inproj" > "$P/inproj.txt"
rm -f "/etc/jailed-test-link-$M"
jrun "$P" '
  ln -s ~/.bashrc via-bashrc && echo EVIL >> via-bashrc
  ln -s "/proc/self/root$HOME/.ssh/id_ed25519" via-ssh; cat via-ssh 2>/dev/null
  ln -s /etc via-etc && echo EVIL > "via-etc/jailed-test-link-$1"
  ln -s "$PWD/target.txt" via-target && echo VIA_LINK >> via-target && echo "LINK_WRITE_OK"
  for src in /etc/shadow /etc/passwd "$2/canary" ~/.ssh/id_ed25519; do
    n=$(basename "$src")
    if ln "$src" "hard-$n" 2>/dev/null; then echo "HARDLINKED $src: $(cat "hard-$n" 2>&1)"; else echo "HARDLINK_DENIED $src"; fi
  done
  cat /etc/shadow 2>/dev/null && echo "SHADOW_READ"
  ln inproj.txt inproj-hard.txt && echo "CONTROL_HARDLINK_OK"
' "$M" "$SHARED"
expect_eq "links: writing through a symlink to ~/.bashrc leaves the host file unchanged" \
  "$BASHRC_SHA" "$(sha "$HOME/.bashrc")"
expect_not_contains "links: a symlink to the ssh key reads nothing" "SSH_CANARY_$M" "$OUT"
expect_true "links: a write through a symlink to /etc did not reach the host" "it exists" \
  ! -e "/etc/jailed-test-link-$M"
expect_contains "links: control: writing through a symlink works inside the project" "LINK_WRITE_OK" "$OUT"
expect_contains "links: control: ... and reaches the host" "VIA_LINK" "$(cat "$P/target.txt")"
expect_contains "links: ln /etc/shadow fails" "HARDLINK_DENIED /etc/shadow" "$OUT"
expect_contains "links: hard link to a granted read-only file fails" "HARDLINK_DENIED $SHARED/canary" "$OUT"
expect_not_contains "links: no hard link reads a secret" "_CANARY_$M" "$(printf '%s\n' "$OUT" | grep HARDLINKED)"
expect_not_contains "links: /etc/shadow is not readable inside" "SHADOW_READ" "$OUT"
for n in shadow canary id_ed25519; do
  expect_true "links: host project holds no hard-$n" "$P/hard-$n exists" ! -e "$P/hard-$n"
done
if [ -r /etc/shadow ] && [ "$(id -u)" -eq 0 ]; then
  pass "links: control: /etc/shadow is readable on the host (as root)"
fi
expect_contains "links: control: hard links within the project work" "CONTROL_HARDLINK_OK" "$OUT"

# ---------------------------------------------------------------------------------------------
# 5. Privilege
jailed_sha=$(sha "$P/.jailed")
jrun "$P" '
  grep -E "^(CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status
  unshare -Ur true 2>/dev/null && echo "UNSHARE_USER_OK"
  python3 -c "import ctypes, errno; l = ctypes.CDLL(None, use_errno=True)
for name, flag in ((\"USER\", 0x10000000), (\"NS\", 0x20000)):
    r = l.unshare(flag); print(\"RAW_UNSHARE_%s=%s\" % (name, \"ok\" if r == 0 else errno.errorcode[ctypes.get_errno()]))"
  unshare -m true 2>/dev/null && echo "UNSHARE_MOUNT_OK"
  unshare -Urm sh -c "umount -l \"$PWD/.jailed\"" 2>/dev/null && echo "NESTED_UMOUNT_OK"
  mount -t tmpfs none /tmp 2>/dev/null && echo "MOUNT_OK"
  mount --bind "$PWD/inproj.txt" "$PWD/.jailed" 2>/dev/null && echo "BIND_OK"
  umount "$PWD/.jailed" 2>/dev/null && echo "UMOUNT_OK"
  echo EVIL >> .jailed 2>/dev/null && echo "JAILED_WRITABLE_AFTER"
  mknod blockdev b 8 0 2>/dev/null && echo "MKNOD_OK"
  echo h > /proc/sysrq-trigger 2>/dev/null && echo "SYSRQ_OK"
  cp /usr/bin/bash ./suid-bash && chmod 4755 ./suid-bash && [ -u ./suid-bash ] && echo "SUID_SET"
  ./suid-bash -p -c "grep -E \"^(CapEff|NoNewPrivs):\" /proc/self/status | sed s/^/SUID_/; echo EVIL >> .jailed 2>/dev/null && echo SUID_JAILED_WRITABLE"
'
expect_contains "priv: CapEff is 0 inside" $'CapEff:\t0000000000000000' "$OUT"
expect_contains "priv: CapBnd is 0 inside" $'CapBnd:\t0000000000000000' "$OUT"
expect_contains "priv: NoNewPrivs is 1 inside" $'NoNewPrivs:\t1' "$OUT"
expect_contains "priv: a seccomp filter is installed" $'Seccomp:\t2' "$OUT"
for probe in UNSHARE_USER_OK UNSHARE_MOUNT_OK NESTED_UMOUNT_OK MOUNT_OK BIND_OK UMOUNT_OK JAILED_WRITABLE_AFTER \
  MKNOD_OK SYSRQ_OK SUID_JAILED_WRITABLE; do
  expect_not_contains "priv: ${probe%_OK} denied" "$probe" "$OUT"
done
# The kernel may refuse a nested user namespace on its own (ENOSPC, ...): EPERM shows the filter did.
expect_contains "priv: unshare(CLONE_NEWUSER) fails with seccomp's EPERM" "RAW_UNSHARE_USER=EPERM" "$OUT"
expect_contains "priv: unshare(CLONE_NEWNS) fails with EPERM" "RAW_UNSHARE_NS=EPERM" "$OUT"
expect_contains "priv: control: the setuid copy was made (setuid bit set)" "SUID_SET" "$OUT"
expect_contains "priv: the setuid copy has no capabilities" $'SUID_CapEff:\t0000000000000000' "$OUT"
expect_contains "priv: the setuid copy keeps NoNewPrivs" $'SUID_NoNewPrivs:\t1' "$OUT"
expect_eq "priv: host .jailed unchanged after the privilege attempts" "$jailed_sha" "$(sha "$P/.jailed")"
if unshare -Ur true 2>/dev/null && unshare -m true 2>/dev/null; then
  pass "priv: control: unshare -Ur / -m work outside the jail"
else
  skip "priv: control: unshare outside the jail" "the host itself forbids it, so the inside check proves less"
fi

# ---------------------------------------------------------------------------------------------
# 6. Terminal injection (TIOCSTI / TIOCLINUX) on a real pty; a host shell reads the tty after.
cp "$WORLD/py/tiocsti.py" "$P/tiocsti.py"
# shellcheck disable=SC2034
reader='"$@"; read -t 1 a; read -t 1 b; echo "HOSTREAD[$a|$b]"'
outside=$(cd "$P" && python3 "$WORLD/py/pty_run.py" 20 bash -c "$reader" bash /usr/bin/python3 tiocsti.py 2>&1)
inside=$(cd "$P" && python3 "$WORLD/py/pty_run.py" 20 bash -c "$reader" bash "$JAILED" run sh -c 'python3 tiocsti.py' 2>&1)
expect_contains "tty: control: the jailed run has a tty as stdin" "RESULT tty=True" "$inside"
expect_contains "tty: TIOCSTI is denied with EPERM" "plain=EPERM" "$inside"
expect_contains "tty: TIOCSTI | 1<<32 is denied with EPERM" "high=EPERM" "$inside"
expect_contains "tty: TIOCLINUX is denied with EPERM" "linux=EPERM" "$inside"
expect_contains "tty: the host shell read nothing injected" "HOSTREAD[|]" "$inside"
case $outside in
  *"plain=ok high=ok"*)
    expect_contains "tty: control: the same injection works outside the jail" "HOSTREAD[PLAIN|HIGH]" "$outside" ;;
  *"RESULT tty=True"*)
    pass "tty: control: TIOCSTI fails outside too (legacy_tiocsti off?); inside error is seccomp's EPERM" ;;
  *) fail "tty: control: the outside probe ran on a tty" "${outside:0:400}" ;;
esac
expect_not_contains "tty: control: TIOCLINUX outside fails for another reason than EPERM" "linux=EPERM" "$outside"

# ---------------------------------------------------------------------------------------------
# 7. Network
LOG="$WORLD/listener.log"
: > "$LOG"
ABSTRACT="jailed-test-$M-$RANDOM"
python3 "$WORLD/py/listener.py" "$LOG" "$WORLD/port" "$ABSTRACT" </dev/null >/dev/null 2>&1 &
SUITE_PIDS+=("$!")
if wait_until 5 test -s "$WORLD/port"; then
  port=$(cat "$WORLD/port")
  OFF="$WORK/netoff"
  make_project "$OFF" "network = off"
  cp "$WORLD/py/abstract_connect.py" "$OFF/"
  net_probe='
    echo "$2" > "/dev/tcp/127.0.0.1/$1" 2>/dev/null && echo "TCP_CONNECTED"
    python3 abstract_connect.py "$3" "$2-unix"
    echo "IFACES[$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort | tr "\n" " ")]"
    [ -e /etc/resolv.conf ] && echo "RESOLV_PRESENT"
  '
  jrun "$OFF" "$net_probe" "$port" "TOKEN_OFF_$M" "$ABSTRACT"
  expect_not_contains "net off: /dev/tcp to a host loopback listener fails" "TCP_CONNECTED" "$OUT"
  expect_not_contains "net off: host abstract unix socket unreachable" "UNIX_CONNECTED" "$OUT"
  expect_eq "net off: only lo exists" "IFACES[lo ]" "$(printf '%s\n' "$OUT" | grep '^IFACES')"
  expect_not_contains "net off: no /etc/resolv.conf" "RESOLV_PRESENT" "$OUT"
  ON="$WORK/neton"
  make_project "$ON" "network = on"
  cp "$WORLD/py/abstract_connect.py" "$ON/"
  jrun "$ON" "$net_probe" "$port" "TOKEN_ON_$M" "$ABSTRACT"
  expect_contains "net on: control: /dev/tcp to the listener connects" "TCP_CONNECTED" "$OUT"
  expect_contains "net on: /etc/resolv.conf is present" "RESOLV_PRESENT" "$OUT"
  wait_until 3 grep -q "tcp TOKEN_ON_$M" "$LOG"
  expect_contains "net on: control: the host listener saw the token" "tcp TOKEN_ON_$M" "$(cat "$LOG")"
  expect_not_contains "net off: the host listener saw nothing from the jail" "TOKEN_OFF_$M" "$(cat "$LOG")"
  # network = on shares the host's network namespace, and with it its abstract sockets (X11's
  # @/tmp/.X11-unix/X0); from Landlock ABI 6 the helper's scope keeps them out of reach.
  host_connect=$(python3 "$WORLD/py/abstract_connect.py" "$ABSTRACT" "TOKEN_HOST_$M-unix" 2>&1)
  expect_contains "net on: control: the abstract-socket probe connects outside the jail" "UNIX_CONNECTED" \
    "$host_connect"
  wait_until 3 grep -q "unix TOKEN_HOST_$M-unix" "$LOG"
  expect_contains "net on: control: the host listener saw the outside probe" "unix TOKEN_HOST_$M-unix" "$(cat "$LOG")"
  if [ "$LANDLOCK_ABI" -ge 6 ]; then
    expect_contains "net on: the host's abstract unix socket is refused with EPERM (Landlock scope)" \
      "UNIX_ERR=EPERM" "$OUT"
    expect_not_contains "net on: the host listener saw nothing on its abstract socket" "TOKEN_ON_$M-unix" \
      "$(cat "$LOG")"
    expect_contains "net on: explain names the scope" "scopes abstract Unix sockets and signals" \
      "$(cd "$ON" && "$JAILED" explain sh 2>&1)"
    # Sockets bound inside the jail stay within its Landlock domain, so the agent can still use them.
    jrun "$ON" 'python3 -c "
import socket
a = socket.socket(socket.AF_UNIX); a.bind(\"\\0jailed-inner-$1\"); a.listen(1)
b = socket.socket(socket.AF_UNIX); b.connect(\"\\0jailed-inner-$1\"); print(\"INNER_CONNECTED\")
"' "$M"
    expect_contains "net on: control: an abstract socket bound inside the jail still connects" "INNER_CONNECTED" "$OUT"
  else
    skip "net on: host abstract unix sockets are refused" \
      "this kernel's Landlock ABI is $LANDLOCK_ABI; scopes need 6 (Linux 6.12), so network = on reaches them"
  fi
else
  fail "net: listener" "the host listener did not start"
fi

# ---------------------------------------------------------------------------------------------
# 8. Processes outliving the jail
sleep "300.${M}9" >/dev/null 2>&1 &
control_sleep=$!
SUITE_PIDS+=("$control_sleep")
expect_true "procs: control: pgrep finds a marker process on the host" "pgrep missed it" \
  -n "$(marked 9)"
kill "$control_sleep" 2>/dev/null
wait "$control_sleep" 2>/dev/null
jrun "$P" '
  # No descriptor of the command substitution may leak into them, or a broken jail would hang here.
  setsid -f sleep "300.${1}1" </dev/null >/dev/null 2>&1
  nohup sleep "300.${1}2" </dev/null >/dev/null 2>&1 &
  (sleep "300.${1}3" </dev/null >/dev/null 2>&1 &)
  (setsid sleep "300.${1}4" </dev/null >/dev/null 2>&1 &)
  for _ in $(seq 250); do [ "$(ps -eo args | grep -c "[s]leep 300.${1}[1-4]")" -eq 4 ] && break; sleep 0.02; done
  ps -eo args | grep "[s]leep 300"
' "$M"
for i in 1 2 3 4; do
  expect_contains "procs: control: background sleep $i ran inside" "sleep 300.${M}$i" "$OUT"
done
no_survivors() { [ -z "$(marked '[1-4]')" ]; }
wait_until 3 no_survivors
expect_eq "procs: setsid -f / nohup & / double fork are gone after jailed returns" "" \
  "$(marked '[1-4]' | xargs -r ps -o args= -p)"

# ---------------------------------------------------------------------------------------------
# 9. Exit status and arguments
for code in 0 1 7 42; do
  (cd "$P" && "$JAILED" run sh -c "exit $code" </dev/null >/dev/null 2>&1)
  expect_eq "exit: exit $code passes through" "$code" "$?"
done
(cd "$P" && "$JAILED" run sh -c 'kill -TERM $$' </dev/null >/dev/null 2>&1)
expect_eq "exit: killed by SIGTERM gives 143" 143 "$?"
(cd "$P" && "$JAILED" run sh -c 'kill -KILL $$' </dev/null >/dev/null 2>&1)
expect_eq "exit: killed by SIGKILL gives 137" 137 "$?"

args=(x "a b" "c'd" 'e"f' $'g\nh' '' '$HOME' '*' ' lead' '--help' '\n')
expected=$(printf '%s|' "${args[@]:1}")
got=$(cd "$P" && "$JAILED" run sh -c 'printf "%s|" "$@"' "${args[@]}" </dev/null 2>/dev/null)
expect_eq "args: spaces, quotes, newlines, globs reach the agent untouched" "$expected" "$got"
got=$(cd "$P" && eval "$("$JAILED" export bash 2>/dev/null)" && command -v jailed-sh >/dev/null &&
  jailed-sh -c 'printf "%s|" "$@"' "${args[@]}" </dev/null 2>/dev/null)
expect_eq "args: ... also through the jailed-sh shim" "$expected" "$got"
got=$(cd "$P" && eval "$("$JAILED" export bash 2>/dev/null)" && jailed-sh -c 'exit 7' </dev/null >/dev/null 2>&1; echo $?)
expect_eq "args: exit status passes through the shim" 7 "$got"

# ---------------------------------------------------------------------------------------------
# 10. explain
text=$(cd "$P" && "$JAILED" explain sh 2>&1)
json=$(cd "$P" && "$JAILED" explain sh --json 2>&1)
expect_contains "explain: lists the project read-write" $'read-write\t'"$P"$'\t' "$text"
expect_contains "explain: lists .jailed read-only" $'read-only\t'"$P/.jailed"$'\t' "$text"
expect_contains "explain: control: names the forwarded variable" "MY_KEY" "$text"
expect_not_contains "explain: never prints a forwarded secret's value" "supersecret" "$text"
expect_not_contains "explain --json: never prints a forwarded secret's value" "supersecret" "$json"
check "explain --json: parses, project read-write and .jailed read-only" python3 -c '
import json, sys
d = json.loads(sys.argv[1]); p = sys.argv[2]
kinds = {m["target"]: m["kind"] for m in d["mounts"]}
assert kinds.get(p) == "read-write", kinds.get(p)
assert kinds.get(p + "/.jailed") == "read-only", kinds.get(p + "/.jailed")
assert "MY_KEY" in d["env"], d["env"]
' "$json" "$P"
jrun "$P" 'echo "INSIDE[$MY_KEY]"'
expect_contains "explain: control: the hidden value is forwarded for real" "INSIDE[supersecret]" "$OUT"

# ---------------------------------------------------------------------------------------------
# 11. Planting host-run code beyond the existing protected files (REFERENCE §5 items 4-6,
# DESIGN §4): a missing .git or .git/hooks, a hooks directory in the work tree.
# The agent must not be able to leave code that host git or a host-side agent runs later.
N="$WORK/nogit"
make_project "$N"
jrun "$N" 'git init -q . 2>/dev/null && git config core.fsmonitor "touch /tmp/jailed-test-fsmonitor" 2>/dev/null && echo PLANTED'
if [ -e "$N/.git/config" ] && grep -q fsmonitor "$N/.git/config"; then
  fail "plant: a project without .git gets no agent-made .git/config" \
    "the agent created $N/.git/config with core.fsmonitor; host git runs it on the next 'git status'"
else
  pass "plant: a project without .git gets no agent-made .git/config"
fi
H="$WORK/nohooks"
mkdir -p "$H"
git -C "$H" init -q
rm -rf "$H/.git/hooks"
make_project "$H"
jrun "$H" 'mkdir -p .git/hooks && printf "#!/bin/sh\necho pwned\n" > .git/hooks/pre-commit && echo PLANTED'
expect_true "plant: a repo without .git/hooks gets no agent-made pre-commit hook" \
  "the agent created $H/.git/hooks/pre-commit (host git runs it on commit)" ! -e "$H/.git/hooks/pre-commit"
# core.hooksPath pointing into the work tree (husky and friends): host git runs what is there.
K="$WORK/hookspath"
mkdir -p "$K/.githooks"
git -C "$K" init -q
git -C "$K" config core.hooksPath .githooks
make_project "$K"
jrun "$K" 'printf "#!/bin/sh\necho planted\n" > .githooks/pre-commit && chmod +x .githooks/pre-commit && echo PLANTED'
expect_true "plant: no hook planted in the core.hooksPath directory of the work tree" \
  "the agent created $K/.githooks/pre-commit; host 'git commit' runs it (core.hooksPath = .githooks)" \
  ! -e "$K/.githooks/pre-commit"
# Not covered, and listed by explain (tests/integration/test_hostrun.sh): a repository the
# agent makes in a subdirectory (git init sub) and protected files that did not exist at
# start (.mcp.json, ...).

finish
