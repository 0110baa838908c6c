#!/usr/bin/python3
"""storm.py LABEL ADDRESS N WHO PID: N connections opened at once to a
libvirt daemon at ADDRESS (a unix socket's path, or HOST:PORT), each
sending CONNECT_OPEN of test:///default before any reply is read; then
every reply is awaited, the memory the idle connections take is measured,
all are closed, and the daemon's processes must be gone.

WHO/PID: "parent PID" (ours: each connection is a libvirtd process, a child
of PID: the socket activator, xinetd, or libvirtd --listen; their PSS,
summed, is the connections' memory) or "daemon PID" (real libvirtd: one
process, whose PSS grows by what N connections take).

Prints the figures, one per line, and exits 1 when a connection was
refused or not answered, or (parent) processes outlived their clients by
more than 30 s. Environment: STORM_EXPECT_REFUSED=1 only records refusals
(real libvirtd's own limits)."""
import os
import resource
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from procs import libvirtd_children as children  # noqa: E402
from rawclient import OPEN  # noqa: E402


def pss_kib(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def connect(addr):
    if addr.startswith("/"):
        # A blocking connect, as libvirt's client makes it: a full
        # listen queue makes it wait (with a time-out, Python's socket
        # would be non-blocking, and a full queue an EAGAIN).
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(addr)
    else:
        host, port = addr.rsplit(":", 1)
        s = socket.create_connection((host, int(port)), timeout=30)
    return s


def main():
    label, addr, n, who, pid = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, n + 256)), hard))
    base = pss_kib(pid) if who == "daemon" else sum(pss_kib(p) for p in children(pid))
    # --listen keeps a few children waiting: they stay.
    base_procs = 0 if who == "daemon" else len(children(pid))
    t0 = time.monotonic()
    socks, refused, first_err = [], 0, ""
    for _ in range(n):
        try:
            socks.append(connect(addr))
        except OSError as e:
            refused += 1
            first_err = first_err or str(e)
    for s in list(socks):
        try:
            s.sendall(OPEN)
        except OSError as e:
            refused += 1
            first_err = first_err or str(e)
            socks.remove(s)
            s.close()
    # Every reply: its 28-byte head, status at the end of it.
    pending = {s.fileno(): (s, b"") for s in socks}
    answered = failed = 0
    poll = select.poll()
    for s in socks:
        poll.register(s, select.POLLIN)
    deadline = time.monotonic() + 120
    while pending and time.monotonic() < deadline:
        for fd, ev in poll.poll(1000):
            s, got = pending[fd]
            try:
                chunk = s.recv(28 - len(got))
            except OSError:
                chunk = b""
            if not chunk:
                failed += 1
                first_err = first_err or "closed before its reply"
                poll.unregister(fd)
                del pending[fd]
                continue
            got += chunk
            if len(got) < 28:
                pending[fd] = (s, got)
                continue
            status = struct.unpack(">i", got[24:28])[0]
            if status == 0:
                answered += 1
            else:
                failed += 1
                first_err = first_err or "an error reply"
            poll.unregister(fd)
            del pending[fd]
    opened_in = time.monotonic() - t0
    failed += len(pending)
    if who == "daemon":
        mem = pss_kib(pid) - base
        procs = 1
    else:
        kids = children(pid)
        procs = len(kids) - base_procs
        mem = sum(pss_kib(p) for p in kids) - base
    print("%s: %d connections: %d answered, %d refused, %d failed, in %.1f s"
          % (label, n, answered, refused, failed, opened_in))
    if first_err:
        print("%s: first error: %s" % (label, first_err))
    print("%s: %d daemon processes; PSS of the idle connections: %d KiB in all, %d KiB each"
          % (label, procs, mem, mem // max(answered, 1)))
    for s in socks:
        s.close()
    t1 = time.monotonic()
    left = procs
    if who == "parent":
        while time.monotonic() < t1 + 30:
            left = max(0, len(children(pid)) - base_procs)
            if left == 0:
                break
            time.sleep(0.1)
        print("%s: %d processes left %.1f s after the clients closed"
              % (label, left, time.monotonic() - t1))
    bad = answered != n and not os.environ.get("STORM_EXPECT_REFUSED")
    if who == "parent" and left:
        bad = True
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
