#!/usr/bin/env bash
# Escapes from a jail, each class run for real in real jails beside a control that shows the
# attack works without the protection (plain bwrap with the arguments a jail had before, or a
# path outside the protection): host-global /proc knobs, every writable place inside a jail,
# grants an agent redirects with a symlink, closed or directory standard descriptors, locale
# variables, resource limits, TCP and MPTCP listening with network on, 32-bit socket calls,
# signals to the caller's process group. Run as root, the suite runs
# itself again as the user alice.
# shellcheck disable=SC2016  # inner shells expand the single-quoted scripts
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_tools test_escape bwrap python3 timeout
AS=${JAILED_ESCAPE_AS:-$(id -un)}
new_world
M=$$-$RANDOM
t() { printf '%s [%s]' "$1" "$AS"; }  # a check's name, saying who ran it
ROOT=; [ "$(id -u)" -eq 0 ] && ROOT=1

# jrun DIR AGENT SCRIPT: runs SCRIPT with the agent's bash (host:bash agents) in DIR; sets OUT, RC.
jrun() {
  OUT=$(cd "$1" && timeout -k 5 60 "$JAILED" run "$2" -c "$3" 2>&1 </dev/null)
  RC=$?
  OUT=$(without_session_line "$OUT")
}

# old_bwrap DIR SCRIPT [BWRAP OPTIONS...]: runs SCRIPT in a jail made as jailed made it before
# (the host's /usr, a fresh /proc and /dev, an empty /tmp and home, DIR read-write) plus the
# extra options; sets OUT, RC. The control of each attack.
old_bwrap() {
  local dir=$1 script=$2
  shift 2
  OUT=$(timeout -k 5 60 bwrap --die-with-parent --unshare-user --unshare-ipc --unshare-pid --unshare-uts \
    --unshare-cgroup-try --cap-drop ALL --clearenv --setenv PATH /usr/bin:/bin --proc /proc --dev /dev \
    --tmpfs /tmp --tmpfs "$HOME" --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib \
    --symlink usr/lib64 /lib64 --bind "$dir" "$dir" "$@" --chdir "$dir" -- bash -c "$script" 2>&1 </dev/null)
  RC=$?
}

mkdir -p "$HOME/.ssh"
echo "SECRET-$M" > "$HOME/.ssh/id_ed25519"
P="$WORK/p"
mkdir -p "$P/data" "$WORK/shared"
write_jailed "$P" "[agent a]
package = host:bash
readwrite = ./data $WORK/shared
config = ~/.config/tool

[agent b]
package = host:bash"
check "$(t "setup: the project is allowed")" "$JAILED" allow "$P"

# --- 1. host-global /proc: sysctls (core_pattern runs a program as host root) -----------------

# Opening for writing is enough to tell: nothing is written, here or in a control.
open_core='if exec 3>>/proc/sys/kernel/core_pattern; then echo OPENED; fi'
jrun "$P" b "$open_core"
expect_not_contains "$(t "proc: kernel.core_pattern cannot be opened for writing")" "OPENED" "$OUT"
if [ -n "$ROOT" ]; then
  expect_contains "$(t "proc: ... refused as a read-only file system")" "Read-only file system" "$OUT"
  old_bwrap "$P" "$open_core"
  expect_contains "$(t "proc: control: a jail without the read-only /proc/sys opens it as root")" "OPENED" "$OUT"
else
  skip "$(t "proc: control")" "only root's uid may write sysctls: a user's jail never could"
fi
jrun "$P" b 'for e in sys irq bus fs; do grep -q " /proc/$e ro," /proc/self/mountinfo && echo "ro-$e"; done'
expect_contains "$(t "proc: /proc/sys is a read-only mount")" "ro-sys" "$OUT"
if [ -n "$ROOT" ]; then
  expect_eq "$(t "proc: ... and so are /proc/irq, /proc/bus and /proc/fs for root")" "ro-sys ro-irq ro-bus ro-fs" "${OUT//$'\n'/ }"
fi

# PSI triggers: every user may open /proc/pressure/* for writing (0666), arming a trigger that has
# the host kernel poll system-wide pressure for the agent.
open_psi='if exec 3>/proc/pressure/memory; then echo OPENED; fi'
if [ -e /proc/pressure/memory ]; then
  jrun "$P" b "$open_psi"
  expect_not_contains "$(t "proc: /proc/pressure/memory cannot be opened for writing")" "OPENED" "$OUT"
  old_bwrap "$P" "$open_psi"
  expect_contains "$(t "proc: control: a jail without the read-only /proc/pressure opens it")" "OPENED" "$OUT"
else
  skip "$(t "proc: /proc/pressure")" "this kernel has no PSI (CONFIG_PSI)"
fi

# --- 2. property: every writable place inside a jail is one it may write -----------------------

# Lists each read-write mount (not below a protected read-only one) and each writable entry of
# /proc outside the jail's own processes.
list_writable='
awk "{print \$5, \$6}" /proc/self/mountinfo | while read -r at opts; do
  case ,$opts, in *,rw,*) echo "MOUNT $at" ;; esac
done
find /proc -regex "/proc/[0-9].*" -prune -o \( -path /proc/self -o -path /proc/thread-self \) -prune \
  -o -writable -print 2>/dev/null | sed "s/^/PROC /"'
# allowed LINE: whether a writable place lies in the project, a grant, a config path or a tmpfs
# of the jail's own; /proc/mtrr (its writes need CAP_SYS_ADMIN on the host) changes nothing of
# the host.
allowed() {
  case $1 in
    "MOUNT $P" | "MOUNT $P/"* | "MOUNT $WORK/shared" | "MOUNT $HOME" | "MOUNT $HOME/.config/tool") return 0 ;;
    "MOUNT /tmp" | "MOUNT /dev/"* | "MOUNT /proc") return 0 ;;
    "PROC /proc/mtrr") return 0 ;;
  esac
  return 1
}
jrun "$P" a "$list_writable"
bad=
while IFS= read -r line; do
  case $line in MOUNT* | PROC*) allowed "$line" || bad+="$line; " ;; esac
done <<< "$OUT"
expect_eq "$(t "property: every writable place is the project, a grant, a config path or the jail's own")" "" "$bad"
expect_contains "$(t "property: ... the listing saw the project")" "MOUNT $P" "$OUT"
expect_contains "$(t "property: ... and the grant")" "MOUNT $WORK/shared" "$OUT"
if [ -n "$ROOT" ]; then
  old_bwrap "$P" "$list_writable"
  expect_contains "$(t "property: control: without the protection root's jail may write /proc/sys")" \
    "PROC /proc/sys/kernel/core_pattern" "$OUT"
fi

# --- 3. a grant an agent turns into a symlink --------------------------------------------------

mkdir -p "$WORK/sym"
S="$WORK/sym"
write_jailed "$S" "[agent a]
package = host:bash
readwrite = ./data

[agent b]
package = host:bash"
"$JAILED" allow "$S" >/dev/null 2>&1
jrun "$S" a 'echo RAN'
expect_contains "$(t "grants: a missing grant refuses the start, naming the file and line")" \
  "$S/.jailed:3: readwrite path \"$S/data\" does not exist" "$OUT"
expect_eq "$(t "grants: ... exit 4, the agent never ran")" "4 no" "$RC $(case $OUT in *RAN*) echo ran ;; *) echo no ;; esac)"
# Another agent of the project (or one in an earlier session) makes the grant a link to the home.
jrun "$S" b 'ln -s ../../home data && echo LINKED'
expect_contains "$(t "grants: an agent can make the grant a symlink to the home")" "LINKED" "$OUT"
jrun "$S" a 'cat data/.ssh/id_ed25519; echo x >> data/.bashrc; echo RAN'
expect_not_contains "$(t "grants: the next launch does not bind the real home")" "SECRET-$M" "$OUT"
expect_eq "$(t "grants: ... it refuses to start (exit 3)")" "3" "$RC"
expect_contains "$(t "grants: ... naming the file, line and link")" \
  "$S/.jailed:3: readwrite path \"$S/data\" goes through the symlink \"$S/data\"" "$OUT"
expect_eq "$(t "grants: ... and the home's .bashrc is untouched")" "no" "$([ -e "$HOME/.bashrc" ] && echo yes || echo no)"
old_bwrap "$S" 'cat data/.ssh/id_ed25519' --bind "$S/data" "$S/data"
expect_contains "$(t "grants: control: binding the path as written hands over the home")" "SECRET-$M" "$OUT"

# The parent of an existing grant renamed away and replaced by a link.
R="$WORK/rename"
mkdir -p "$R/d/sub" "$HOME/sub"
echo "HOME-SUB-$M" > "$HOME/sub/file"
write_jailed "$R" "[agent a]
package = host:bash
readonly = ./d/sub

[agent b]
package = host:bash"
"$JAILED" allow "$R" >/dev/null 2>&1
jrun "$R" a 'ls d/sub; echo RAN'
expect_contains "$(t "grants: an existing grant works")" "RAN" "$OUT"
jrun "$R" b 'mv d d2 && ln -s ../../home d && echo SWAPPED'
expect_contains "$(t "grants: an agent can swap the grant's parent for a link")" "SWAPPED" "$OUT"
jrun "$R" a 'cat d/sub/file; echo RAN'
expect_not_contains "$(t "grants: the swapped grant does not show the home")" "HOME-SUB-$M" "$OUT"
expect_contains "$(t "grants: ... the start is refused")" "goes through the symlink \"$R/d\"" "$OUT"
old_bwrap "$R" 'cat d/sub/file' --ro-bind "$R/d/sub" "$R/d/sub"
expect_contains "$(t "grants: control: the path as written leads into the home")" "HOME-SUB-$M" "$OUT"

# --- 4. standard descriptors --------------------------------------------------------------------

OUT=$(cd "$P" && timeout -k 5 60 "$JAILED" run b -c 'readlink /proc/self/fd/0; ls /proc/1/fd/0/ 2>/dev/null | head -3; echo END' 2>&1 0<&-)
expect_eq "$(t "fds: a closed stdin reaches the agent as /dev/null")" "/dev/null" "$(printf '%s\n' "$OUT" | head -1)"
expect_eq "$(t "fds: ... and no host /proc is reachable through bwrap's descriptors")" "END" "$(printf '%s\n' "$OUT" | sed -n 2p)"
OUT=$(timeout -k 5 60 bwrap --unshare-all --cap-drop ALL --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib \
  --symlink usr/lib64 /lib64 --proc /proc --dev /dev -- bash -c 'ls /proc/1/fd/0/ 2>&1 | grep -c "^[0-9]"' 2>&1 0<&-)
expect_eq "$(t "fds: control: bwrap started with stdin closed leaves the host's /proc on it")" "yes" \
  "$([ "${OUT:-0}" -gt 3 ] 2>/dev/null && echo yes || echo "$OUT")"
OUT=$(cd "$P" && timeout -k 5 60 "$JAILED" run b -c 'ls /proc/self/fd/0/.ssh; echo RAN' 2>&1 < "$HOME")
RC=$?
expect_eq "$(t "fds: a directory as stdin is refused (exit 2)")" "2" "$RC"
expect_contains "$(t "fds: ... saying why")" "standard input (descriptor 0) is a directory" "$OUT"
expect_not_contains "$(t "fds: ... and the agent never ran")" "RAN" "$OUT"
OUT=$(bwrap --unshare-all --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 \
  --proc /proc --dev /dev -- bash -c 'cat /proc/self/fd/0/.ssh/id_ed25519' 2>&1 < "$HOME")
expect_contains "$(t "fds: control: a directory stdin hands the jail that directory")" "SECRET-$M" "$OUT"
OUT=$(cd "$P" && python3 -c '
import os, sys
fd = os.open(os.environ["HOME"], os.O_PATH)
os.dup2(fd, 0)
os.execv(sys.argv[1], sys.argv[1:])' "$JAILED" run b -c 'echo RAN' 2>&1)
expect_contains "$(t "fds: an O_PATH stdin is refused")" "is an O_PATH descriptor" "$OUT"

# A host file on a standard descriptor, reopened through /proc/self/fd with more access than the
# descriptor has: a write-only log read back, a read-only input written.
echo "LOG-$M" > "$WORK/hostlog"
echo "INPUT-$M" > "$WORK/input"
reopen='cat < /proc/self/fd/1 >&2; echo APPENDED-$$; echo changed 2>&1 > /proc/self/fd/0'
if [ "$(cd "$P" && "$JAILED" explain b --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["landlock_helper"] is not None)')" = True ]; then
  OUT=$(cd "$P" && timeout -k 5 60 "$JAILED" run b -c "$reopen" 2>&1 >> "$WORK/hostlog" < "$WORK/input")
  expect_not_contains "$(t "fds: a write-only stdout on a host file cannot be read back through /proc")" "LOG-$M" "$OUT"
  expect_contains "$(t "fds: ... the reopen is refused")" "/proc/self/fd/1: Permission denied" "$OUT"
  expect_contains "$(t "fds: ... while writing to it works")" "APPENDED-" "$(cat "$WORK/hostlog")"
  expect_eq "$(t "fds: ... and a read-only stdin cannot be reopened for writing")" "INPUT-$M" "$(cat "$WORK/input")"
  OUT=$(cd "$P" && JAILED_NO_LANDLOCK=1 timeout -k 5 60 "$JAILED" run b -c "$reopen" 2>&1 >> "$WORK/hostlog" < "$WORK/input")
  expect_contains "$(t "fds: control: without the helper's rules the log is read back")" "LOG-$M" "$OUT"
  expect_eq "$(t "fds: control: ... and the input overwritten")" "changed" "$(cat "$WORK/input")"
else
  skip "$(t "fds: reopening a host file through /proc")" "no Landlock helper here: explain says what stays open"
fi

# --- 5. environment: locale categories only -----------------------------------------------------

OUT=$(cd "$P" && LC_SECRET_TOKEN="lc-$M" LC_TIME=C.UTF-8 LANGUAGE=en timeout -k 5 60 "$JAILED" run b -c 'env' 2>&1 </dev/null)
expect_not_contains "$(t "env: LC_SECRET_TOKEN does not reach the agent")" "lc-$M" "$OUT"
expect_contains "$(t "env: ... a locale category does")" "LC_TIME=C.UTF-8" "$OUT"
expect_contains "$(t "env: ... and LANGUAGE")" "LANGUAGE=en" "$OUT"
expect_contains "$(t "env: control: the caller had it set")" "lc-$M" "$(LC_SECRET_TOKEN="lc-$M" env)"

# --- 6. resources ------------------------------------------------------------------------------

L="$WORK/limits"
write_jailed "$L" "[agent a]
package = host:bash
tmpfs-size = 16M
processes = 40
memory = 64M"
"$JAILED" allow "$L" >/dev/null 2>&1
jrun "$L" a 'head -c 32M /dev/zero > /tmp/fill; echo "tmp=$(stat -c %s /tmp/fill)"; head -c 32M /dev/zero > ~/fill; echo "home=$(stat -c %s ~/fill)"'
expect_contains "$(t "resources: /tmp holds no more than tmpfs-size")" "tmp=16777216" "$OUT"
expect_contains "$(t "resources: ... nor does the empty home")" "home=16777216" "$OUT"
old_bwrap "$L" 'head -c 32M /dev/zero > /tmp/fill; echo "tmp=$(stat -c %s /tmp/fill)"'
expect_contains "$(t "resources: control: an unbounded tmpfs takes it all")" "tmp=33554432" "$OUT"
dev_fill='head -c 32M /dev/zero > /dev/shm/fill 2>/dev/null; echo "dev=$(stat -c %s /dev/shm/fill 2>/dev/null || echo none)"'
jrun "$L" a "$dev_fill"
expect_contains "$(t "resources: nothing can be written into /dev, bwrap's unbounded tmpfs")" "dev=none" "$OUT"
old_bwrap "$L" "$dev_fill"
expect_contains "$(t "resources: control: bwrap's /dev takes it all")" "dev=33554432" "$OUT"
ulimit -c unlimited 2>/dev/null || ulimit -c "$(ulimit -H -c)"
jrun "$L" a 'echo "core=$(ulimit -c)"; ulimit -c unlimited 2>/dev/null && echo RAISED; sleep 30 & kill -SEGV $!; wait; ls core* 2>/dev/null | wc -l'
expect_contains "$(t "resources: no core dumps")" "core=0" "$OUT"
expect_not_contains "$(t "resources: ... the agent cannot raise the limit")" "RAISED" "$OUT"
old_bwrap "$L" 'echo "core=$(ulimit -c)"'
expect_not_contains "$(t "resources: control: a jail inherits the caller's core limit")" "core=0" "$OUT"
jrun "$L" a 'python3 -c "bytearray(128 * 1024 * 1024)" 2>&1 | tail -1; echo done'
expect_contains "$(t "resources: a process cannot take more data memory than memory")" "MemoryError" "$OUT"
old_bwrap "$L" 'python3 -c "bytearray(128 * 1024 * 1024)" && echo ALLOCATED'
expect_contains "$(t "resources: control: without the limit it can")" "ALLOCATED" "$OUT"
# Forks without bash's retries: the count that started before a fork failed.
fork_many='python3 -c "
import os, time
started = 0
for i in range(60):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(5)
        os._exit(0)
    started += 1
print(\"started=%d\" % started)
"'
if [ -z "$ROOT" ]; then
  jrun "$L" a "$fork_many"
  running=$(printf '%s\n' "$OUT" | sed -n 's/^started=//p')
  expect_eq "$(t "resources: no more processes than processes")" "yes" "$([ "${running:-99}" -lt 40 ] && echo yes || echo "$OUT")"
  old_bwrap "$L" "$fork_many"
  running=$(printf '%s\n' "$OUT" | sed -n 's/^started=//p')
  expect_eq "$(t "resources: control: without the limit all 60 start")" "60" "$running"
else
  out=$(cd "$L" && "$JAILED" explain a 2>&1)
  expect_contains "$(t "resources: explain says root gets no process limit")" "no process limit (the kernel does not apply one to root" "$out"
fi
out=$(cd "$L" && "$JAILED" explain a 2>&1)
expect_contains "$(t "resources: explain shows the limits and where they come from")" "hold 16 MiB each ($L/.jailed:3)" "$out"
expect_contains "$(t "resources: explain says shared memory escapes the per-process limit")" \
  "shared memory such as a memfd is not counted" "$out"
json=$(cd "$L" && "$JAILED" explain a --json 2>&1)
expect_contains "$(t "resources: ... also in --json")" '"tmpfs_bytes":16777216' "$json"

# --- 7. network on: listening on TCP ports ----------------------------------------------------

N="$WORK/net"
write_jailed "$N" "[agent a]
package = host:bash
network = on
bind-ports = 8123"
"$JAILED" allow "$N" >/dev/null 2>&1
bind_test='python3 -c "
import socket
for port in (8123, 8124):
    s = socket.socket()
    try:
        s.bind((\"127.0.0.1\", port)); print(port, \"BOUND\")
    except OSError as e:
        print(port, \"REFUSED\", e.errno)
"'
if [ "$(cd "$N" && "$JAILED" explain a --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["landlock_helper"] is not None)')" = True ]; then
  jrun "$N" a "$bind_test"
  expect_contains "$(t "network: listening on a port bind-ports does not list is refused")" "8124 REFUSED 13" "$OUT"
  expect_contains "$(t "network: ... a listed one is allowed")" "8123 BOUND" "$OUT"
  old_bwrap "$N" "$bind_test" --share-net
  expect_contains "$(t "network: control: on the host's network any port can be bound")" "8124 BOUND" "$OUT"
else
  skip "$(t "network: TCP listening")" "no Landlock network rules here (kernel ABI < 4 or no helper)"
fi
out=$(cd "$N" && "$JAILED" explain a 2>&1)
expect_contains "$(t "network: explain says what stays reachable")" "services listening on the host's loopback" "$out"

# MPTCP listens like TCP, but Landlock's port rules cover TCP only.
N2="$WORK/net2"
write_jailed "$N2" "[agent a]
package = host:bash
network = on"
"$JAILED" allow "$N2" >/dev/null 2>&1
mptcp_listen='python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
s.bind((\"127.0.0.1\", 0)); s.listen(); print(\"LISTENING\", s.getsockname()[1])
" 2>&1 | tail -1'
old_bwrap "$N2" "$mptcp_listen" --share-net
if [ "${OUT#LISTENING}" != "$OUT" ]; then
  expect_contains "$(t "network: control: a jail on the host's network can listen with MPTCP")" "LISTENING" "$OUT"
  jrun "$N2" a "$mptcp_listen"
  expect_contains "$(t "network: an MPTCP socket is refused as unsupported (bind-ports cannot cover it)")" \
    "Protocol not supported" "$OUT"
  expect_not_contains "$(t "network: ... nothing listens")" "LISTENING" "$OUT"
else
  skip "$(t "network: MPTCP")" "this kernel makes no MPTCP sockets: $OUT"
fi

out=$(cd "$N2" && "$JAILED" explain a 2>&1)
expect_contains "$(t "network: explain says a TCP socket listening without bind stays reachable")" \
  "nor a TCP socket that listens without binding" "$out"

# The 32-bit ABI through int 0x80: socketcall passes its arguments in memory, out of the filter's
# sight, and socket() has a number of its own there. Prints each call's result (-errno).
ia32_sockets='python3 -c "
import ctypes, struct
libc = ctypes.CDLL(None)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
page = libc.mmap(None, 4096, 7, 0x22 | 0x40, -1, 0)  # rwx, private anonymous, below 4 GiB
def call32(nr, a, b, c):
    code = b\"\\x53\\xb8\" + struct.pack(\"<I\", nr) + b\"\\xbb\" + struct.pack(\"<I\", a) + b\"\\xb9\" + struct.pack(\"<I\", b)
    code += b\"\\xba\" + struct.pack(\"<I\", c) + b\"\\xcd\\x80\\x48\\x63\\xc0\\x5b\\xc3\"
    ctypes.memmove(page, code, len(code))
    return ctypes.CFUNCTYPE(ctypes.c_long)(page)()
ctypes.memmove(page + 2048, struct.pack(\"<III\", 2, 1, 0), 12)
print(\"socketcall=%d\" % call32(102, 1, page + 2048, 0))
print(\"mptcp=%d\" % call32(359, 2, 1, 262))
print(\"tcp=%d\" % call32(359, 2, 1, 0))
"'
if [ "$(uname -m)" = x86_64 ]; then
  old_bwrap "$N2" "$ia32_sockets" --share-net
  if printf '%s\n' "$OUT" | grep -q '^tcp=[0-9]'; then
    expect_eq "$(t "ia32: control: without the filter socketcall makes a socket")" "yes" \
      "$(printf '%s\n' "$OUT" | grep -q '^socketcall=[0-9]' && echo yes || echo "$OUT")"
    jrun "$N2" a "$ia32_sockets"
    expect_contains "$(t "ia32: socketcall is refused")" "socketcall=-1" "$OUT"
    expect_contains "$(t "ia32: ... and so is an MPTCP socket() of the 32-bit ABI (EPROTONOSUPPORT)")" "mptcp=-93" "$OUT"
    expect_eq "$(t "ia32: ... while a TCP one works")" "yes" "$(printf '%s\n' "$OUT" | grep -q '^tcp=[0-9]' && echo yes || echo "$OUT")"
  else
    skip "$(t "ia32: socket calls")" "no 32-bit system calls on this kernel: $OUT"
  fi
else
  skip "$(t "ia32: socket calls")" "not an x86_64 machine"
fi

# --- 8. signals to the caller's process group (kill 0 crosses the PID namespace) ---------------

# kill_group [VAR=VALUE...]: runs jailed the way a shell's pipeline does, in the shell's process
# group. --no-snapshot: jailed then execs bwrap, so the jail stays in that group (a session with a
# snapshot runs the jail in a process group of its own).
kill_group() {
  OUT=$(cd "$P" && timeout -k 5 60 env "$@" sh -c 'trap "echo HOST-SIGNALLED" USR1
"$0" run --no-snapshot b -c "trap \"\" USR1; kill -USR1 0; echo KILLED=\$?"; echo "JAILED=$?"' "$JAILED" 2>&1 </dev/null)
}
if [ "$(cd "$P" && "$JAILED" explain b --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["landlock_helper"] is not None)')" = True ]; then
  kill_group
  expect_not_contains "$(t "signals: kill 0 in a jail with network off reaches no host process")" "HOST-SIGNALLED" "$OUT"
  expect_contains "$(t "signals: ... jailed ends normally")" "JAILED=0" "$OUT"
  kill_group JAILED_NO_LANDLOCK=1
  expect_contains "$(t "signals: control: without the Landlock signal scope it hits the host shell")" "HOST-SIGNALLED" "$OUT"
  out=$(cd "$P" && "$JAILED" explain b 2>&1)
  expect_contains "$(t "signals: explain shows the scope with network off")" "scopes abstract Unix sockets and signals" "$out"
else
  out=$(cd "$P" && "$JAILED" explain b 2>&1)
  expect_contains "$(t "signals: without Landlock scopes explain says kill 0 reaches the shell")" "process group with kill 0" "$out"
fi

# --- as the unprivileged user ------------------------------------------------------------------

if [ -n "$ROOT" ] && [ -z "${JAILED_ESCAPE_AS:-}" ]; then rerun_as_alice JAILED_ESCAPE_AS; fi
finish
