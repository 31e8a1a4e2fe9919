# shellcheck shell=bash
# Sourced by test_sandbox.sh once WORLD and M are set: probes written in Python into
# $WORLD/py (a pty harness, a TIOCSTI attacker, a loopback/abstract-socket listener).

# pty_run.py TIMEOUT CMD...: runs CMD with a fresh pty as its controlling terminal and stdin.
cat > "$WORLD/py/pty_run.py" <<'EOF'
import os, pty, select, signal, sys, time
timeout = float(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
out = b""
deadline = time.time() + timeout
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    elif os.waitpid(pid, os.WNOHANG)[0] == pid:
        pid = 0
        break
else:
    os.kill(pid, signal.SIGKILL)
    out += b"\nPTY_RUN_TIMEOUT\n"
if pid:
    os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
EOF

# tiocsti.py: pushes "PLAIN\n" with TIOCSTI, "HIGH\n" with TIOCSTI | 1 << 32 through a raw
# syscall (CVE-2019-10063), then tries TIOCLINUX; prints the outcome of each.
cat > "$WORLD/py/tiocsti.py" <<'EOF'
import ctypes, errno, fcntl, os, platform, termios
def name(e): return errno.errorcode.get(e, str(e))
res = ["tty=%s" % os.isatty(0)]
try:
    for ch in b"PLAIN\n":
        fcntl.ioctl(0, termios.TIOCSTI, bytes([ch]))
    res.append("plain=ok")
except OSError as e:
    res.append("plain=" + name(e.errno))
nr = {"x86_64": 16, "aarch64": 29, "riscv64": 29, "ppc64le": 54, "s390x": 54}.get(platform.machine())
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
high = "ok" if nr else "unknown-arch"
for ch in (b"HIGH\n" if nr else b""):
    c = ctypes.c_char(ch)
    if libc.syscall(ctypes.c_long(nr), ctypes.c_long(0), ctypes.c_ulong(termios.TIOCSTI | (1 << 32)),
                    ctypes.byref(c)) != 0:
        high = name(ctypes.get_errno())
        break
res.append("high=" + high)
try:
    fcntl.ioctl(0, 0x541C, b"\x06")  # TIOCLINUX; a pty is no virtual console, so never harmful
    res.append("linux=ok")
except OSError as e:
    res.append("linux=" + name(e.errno))
print("RESULT " + " ".join(res))
EOF

# listener.py LOG PORTFILE ABSTRACT: a TCP listener on 127.0.0.1 and an abstract unix socket;
# logs "tcp DATA" / "unix DATA" per connection, so the host sees what reached it.
cat > "$WORLD/py/listener.py" <<'EOF'
import socket, sys, threading
log = open(sys.argv[1], "a", buffering=1)
tcp = socket.socket()
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind(("127.0.0.1", 0))
tcp.listen(16)
uds = socket.socket(socket.AF_UNIX)
uds.bind("\0" + sys.argv[3])
uds.listen(16)
def serve(sock, kind):
    while True:
        conn, _ = sock.accept()
        conn.settimeout(2)
        try:
            data = conn.recv(256)
        except OSError:
            data = b""
        log.write("%s %s\n" % (kind, data.decode(errors="replace").strip()))
        conn.close()
threads = [threading.Thread(target=serve, args=(s, k), daemon=True) for s, k in ((tcp, "tcp"), (uds, "unix"))]
for t in threads: t.start()
with open(sys.argv[2] + ".tmp", "w") as f: f.write(str(tcp.getsockname()[1]))
import os; os.rename(sys.argv[2] + ".tmp", sys.argv[2])
for t in threads: t.join()
EOF

# abstract_connect.py NAME DATA: connects to the abstract unix socket NAME and sends DATA;
# prints UNIX_CONNECTED, or UNIX_ERR=<errno name> (EPERM is Landlock's scope, ECONNREFUSED none).
cat > "$WORLD/py/abstract_connect.py" <<'EOF'
import errno, socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect("\0" + sys.argv[1])
    s.sendall(sys.argv[2].encode())
    print("UNIX_CONNECTED")
except OSError as e:
    print("UNIX_ERR=" + errno.errorcode.get(e.errno, str(e.errno)))
EOF
