"""One raw connection to a libvirtd, for the deployment tests: it opens a
URI with a hand-built OPEN call (so the URI may hold any byte, a newline
included) and, with --limits, finds the process serving the connection
and prints its address-space and process limits from /proc/PID/limits.

  conn.py [--uri URI] [--limits] unix PATH
  conn.py [--uri URI] [--limits] tcp HOST:PORT
  conn.py [--uri URI] [--limits] stdio COMMAND [ARG...]

Prints "open: ok" or "open: error CODE MESSAGE", then with --limits
"pid N", "as SOFT HARD" and "nproc SOFT HARD". Every wait is bounded.
Exit status 0 when it got a reply (ok or error), 1 otherwise.
"""

import argparse
import os
import re
import socket
import struct
import subprocess
import sys
import time

PROG, PROC_OPEN = 0x20008086, 1


def xdr_string(b):
    return struct.pack(">I", len(b)) + b + b"\0" * ((4 - len(b) % 4) % 4)


def open_frame(uri):
    body = struct.pack(">I", 1) + xdr_string(uri) + struct.pack(">I", 0)
    hdr = struct.pack(">IIiiIi", PROG, 1, PROC_OPEN, 0, 1, 0)
    return struct.pack(">I", 4 + len(hdr) + len(body)) + hdr + body


def read_exact(read, n):
    buf = b""
    while len(buf) < n:
        chunk = read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def reply_text(read):
    word = read_exact(read, 4)
    if word is None:
        return "open: no reply (connection closed)"
    rest = read_exact(read, struct.unpack(">I", word)[0] - 4)
    if rest is None:
        return "open: no reply (connection closed)"
    status = struct.unpack(">i", rest[20:24])[0]
    if status == 0:
        return "open: ok"
    body = rest[24:]
    code = struct.unpack(">i", body[:4])[0]
    msg = ""
    if struct.unpack(">I", body[8:12])[0]:  # the message is present
        n = struct.unpack(">I", body[12:16])[0]
        msg = body[16:16 + n].decode(errors="replace")
    return "open: error %d %s" % (code, msg)


def ss_pids(args, match):
    """Pids of libvirtd processes holding a socket for which match(tokens)
    holds in `ss -H -p -n ARGS` output."""
    out = subprocess.run(["ss", "-H", "-p", "-n"] + args, capture_output=True,
                         text=True, timeout=10).stdout
    pids = set()
    for line in out.splitlines():
        if match(line.split()):
            pids.update(int(p) for p in re.findall(r"pid=(\d+)", line))
    return sorted(p for p in pids if comm(p).startswith("libvirtd"))


def comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


def server_pid(sock):
    """The process on the other end of a connected unix or tcp socket."""
    if sock.family == socket.AF_UNIX:
        ino = str(os.fstat(sock.fileno()).st_ino)
        # u_str ESTAB RQ SQ LOCAL_ADDR LOCAL_INO PEER_ADDR PEER_INO users:...
        match = lambda t: len(t) > 7 and t[7] == ino
        args = ["-x"]
    else:
        host, port = sock.getsockname()[:2]
        me = "%s:%d" % (host, port)
        # ESTAB RQ SQ LOCAL PEER users:...
        match = lambda t: len(t) > 4 and t[4] == me
        args = ["-t"]
    for _ in range(50):
        pids = ss_pids(args, match)
        if len(pids) == 1:
            return pids[0]
        time.sleep(0.1)
    raise SystemExit("cannot tell which process serves the connection: %r" % pids)


def limits(pid):
    rows = {}
    with open("/proc/%d/limits" % pid) as f:
        for line in f:
            for key, name in (("Max address space", "as"), ("Max processes", "nproc")):
                if line.startswith(key):
                    rows[name] = line[len(key):].split()[:2]
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--uri", default="test:///default")
    ap.add_argument("--limits", action="store_true")
    ap.add_argument("kind", choices=["unix", "tcp", "stdio"])
    ap.add_argument("target", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    uri = a.uri.encode()

    proc = sock = None
    if a.kind == "stdio":
        proc = subprocess.Popen(a.target, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        proc.stdin.write(open_frame(uri))
        proc.stdin.flush()
        read = proc.stdout.read
    else:
        if a.kind == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            addr = a.target[0]
        else:
            host, port = a.target[0].rsplit(":", 1)
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            addr = (host, int(port))
        sock.settimeout(10)
        sock.connect(addr)
        sock.sendall(open_frame(uri))
        read = sock.recv
    rc = 0
    try:
        text = reply_text(read)
        print(text)
        rc = 0 if text.startswith("open: ok") or text.startswith("open: error") else 1
        if a.limits:
            pid = proc.pid if proc else server_pid(sock)
            print("pid %d" % pid)
            for name, values in sorted(limits(pid).items()):
                print("%s %s" % (name, " ".join(values)))
    except (socket.timeout, OSError) as e:
        print("open: failed: %r" % e)
        rc = 1
    finally:
        if sock:
            sock.close()
        if proc:
            proc.stdin.close()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return rc


if __name__ == "__main__":
    sys.exit(main())
