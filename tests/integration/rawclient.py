"""A raw client for our libvirtd, shared by the hardening tests: frames built
by hand, and one daemon process per connection, handed its end of a
socketpair exactly as socket activation hands it (fd 3, LISTEN_FDS=1,
LISTEN_PID), so that a test sees the process's exit status and memory.
"""

import os
import re
import signal
import socket
import subprocess
import struct
import time

LIBVIRTD = os.environ["LIBVIRTD"]
PROG = 0x20008086
CALL, REPLY, MESSAGE = 0, 1, 2
MAX_LEN = 4 + 33554432
TEST_UUID = bytes.fromhex("6695eb01f6a4830479aa97f2502e193f")

PROC_OPEN, PROC_GET_VERSION, PROC_LOOKUP_BY_NAME = 1, 4, 23
PROC_CREATE_XML, PROC_LIST_ALL, PROC_DEFINE_XML_FLAGS = 10, 273, 350


def xdr_bytes(b):
    return struct.pack(">I", len(b)) + b + b"\0" * ((4 - len(b) % 4) % 4)


def frame(proc, body=b"", serial=1, prog=PROG, vers=1, typ=CALL, status=0):
    hdr = struct.pack(">IIiiIi", prog, vers, proc, typ, serial, status)
    return struct.pack(">I", 4 + len(hdr) + len(body)) + hdr + body


OPEN = frame(PROC_OPEN, struct.pack(">I", 1) + xdr_bytes(b"test:///default") +
             struct.pack(">I", 0), serial=0)


class Stream:
    """Frames over self.sock: what Daemon and UnixConn share."""

    def send(self, data):
        self.sock.sendall(data)

    def recv_frame(self, timeout=10.0):
        """A reply as (header tuple, body), 'EOF' or 'TIMEOUT'."""
        self.sock.settimeout(timeout)
        try:
            word = self._read(4)
            if word is None:
                return "EOF"
            n = struct.unpack(">I", word)[0]
            rest = self._read(n - 4)
            if rest is None:
                return "EOF"
            return struct.unpack(">IIiiIi", rest[:24]), rest[24:]
        except socket.timeout:
            return "TIMEOUT"
        except ConnectionResetError:
            return "EOF"

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def call(self, proc, body=b"", serial=7, timeout=10.0):
        self.send(frame(proc, body, serial=serial))
        return self.recv_frame(timeout)


class Daemon(Stream):
    """One activated libvirtd on one end of a socketpair."""

    def __init__(self, args=()):
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        pid = os.fork()
        if pid == 0:
            try:
                os.dup2(theirs.fileno(), 3)
                os.closerange(4, 1024)
                null = os.open("/dev/null", os.O_RDWR)
                os.dup2(null, 0)
                os.dup2(null, 1)
                if not os.environ.get("MALFORMED_VERBOSE"):
                    os.dup2(null, 2)
                env = dict(os.environ, LISTEN_FDS="1", LISTEN_PID=str(os.getpid()))
                os.execve(LIBVIRTD, [LIBVIRTD] + list(args), env)
            finally:
                os._exit(127)
        theirs.close()
        self.pid = pid
        self.peak = 0
        self.peak_vm = 0
        self.status = None

    def sample(self):
        self.peak = max(self.peak, peak_kib(self.pid) or 0)
        self.peak_vm = max(self.peak_vm, peak_kib(self.pid, "VmPeak") or 0)

    def finish(self, timeout=10.0):
        """Hangs up and waits for the process; returns its wait status."""
        if self.status is not None:
            return self.status  # reaped already by the test
        self.sample()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
                return status
            self.sample()
            time.sleep(0.02)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        self.status = "hung"
        return "hung"


def error_of(reply):
    if not isinstance(reply, tuple):
        return None
    hdr, body = reply
    if hdr[5] != 1:
        return None
    code, domain = struct.unpack(">ii", body[:8])
    return code


def ok_reply(reply):
    return isinstance(reply, tuple) and reply[0][5] == 0


def domain_names(d):
    reply = d.call(PROC_LIST_ALL, struct.pack(">iI", 1, 0), serial=900)
    if not ok_reply(reply):
        return None
    body = reply[1]
    n = struct.unpack(">I", body[:4])[0]
    names, off = [], 4
    for _ in range(n):
        ln = struct.unpack(">I", body[off:off + 4])[0]
        names.append(body[off + 4:off + 4 + ln].decode())
        off += 4 + ln + (4 - ln % 4) % 4 + 16 + 4
    return sorted(names)




def run_case(results, cls, name, fn, args=(), opened=True, peak_limit_kib=None):
    """Runs fn(daemon) on a new daemon process (opened on test:///default
    first unless opened is False) and appends (cls, name, ok, detail) to
    results. fn raises AssertionError to fail and may return a detail. The
    process must then exit by itself with status 0 or 1, and stay under
    peak_limit_kib when given."""
    d = Daemon(args)
    detail = ""
    try:
        if opened and not ok_reply(d.call(PROC_OPEN, OPEN[28:], serial=0)):
            raise AssertionError("open failed")
        detail = fn(d) or ""
        ok = True
    except AssertionError as e:
        ok, detail = False, str(e)
    except OSError as e:
        ok, detail = False, "socket error: %r" % e
    status = d.finish()
    if status == "hung":
        ok, detail = False, detail + "; process still running 10 s after hang-up"
    elif os.WIFSIGNALED(status):
        ok, detail = False, detail + "; killed by signal %d" % os.WTERMSIG(status)
    elif os.WEXITSTATUS(status) not in (0, 1):
        ok, detail = False, detail + "; exit status %d" % os.WEXITSTATUS(status)
    if peak_limit_kib and d.peak > peak_limit_kib:
        ok, detail = False, detail + "; peak memory %d KiB" % d.peak
    results.append((cls, name, ok, detail))


class UnixConn(Stream):
    """A raw client on a unix socket path (a daemon's real socket)."""

    def __init__(self, path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)

    def server_pid(self):
        """The pid of the process holding the other end of our socket
        (not SO_PEERCRED's: that is whoever called listen()), from
        iproute2's ss; None when none is found."""
        ino = str(os.fstat(self.sock.fileno()).st_ino)
        out = subprocess.run(["ss", "-xpnH"], capture_output=True, text=True, timeout=10)
        for line in out.stdout.splitlines():
            f = line.split()
            m = re.search(r'pid=(\d+),', line)
            if len(f) > 7 and f[7] == ino and m:
                return int(m.group(1))
        return None

    def open(self, name="test:///default", flags=0, timeout=10.0):
        """CONNECT_OPEN with name (None: no name) and flags."""
        arg = struct.pack(">I", 0) if name is None else struct.pack(">I", 1) + xdr_bytes(
            name.encode() if isinstance(name, str) else name)
        return self.call(PROC_OPEN, arg + struct.pack(">I", flags), serial=0, timeout=timeout)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def error_text(reply):
    """'code=C domain=D MESSAGE' of an error reply, 'OK' for a success, or
    the 'EOF' / 'TIMEOUT' marker."""
    if not isinstance(reply, tuple):
        return reply
    hdr, body = reply
    if hdr[5] != 1:
        return "OK"
    code, domain, has = struct.unpack(">iiI", body[:12])
    msg = ""
    if has:
        n = struct.unpack(">I", body[12:16])[0]
        msg = body[16:16 + n].decode(errors="replace")
    return "code=%d domain=%d %s" % (code, domain, msg)


def peak_kib(pid, field="VmHWM"):
    """VmHWM (peak resident memory) of a running process in KiB, or
    another field of /proc/PID/status such as VmPeak (peak address space,
    what RLIMIT_AS bounds); None when the process is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None
