#!/usr/bin/python3
"""The malformed-input suite: hostile byte streams sent over a real socket to
our libvirtd, handed over exactly as socket activation hands it (fd 3,
LISTEN_FDS=1, LISTEN_PID), one process per case, so that the test sees each
process's peak memory and exit status.

For every case: an error reply or a clean close as designed, the process
exits by itself (never a crash: no signal, no sanitizer exit), its peak
memory stays bounded, and where the connection survives, the domain list is
unchanged and a following call is answered. Prints one line per class with
the number of inputs tried, then "malformed: N/N cases as expected".

Usage: LIBVIRTD=build/src/libvirtd /usr/bin/python3 malformed.py
"""

import os
import socket
import struct
import sys
import time

from rawclient import (MAX_LEN, MESSAGE, OPEN, PROC_DEFINE_XML_FLAGS, PROC_GET_VERSION,
                       PROC_LIST_ALL, PROC_LOOKUP_BY_NAME, PROC_OPEN, REPLY, Daemon, domain_names,
                       error_of, frame, ok_reply, run_case, xdr_bytes)

# Peak memory of one connection's process: a few maximal frames' worth;
# sanitizer builds carry shadow memory and get more room.
PEAK_LIMIT_KIB = (512 if os.environ.get("ASAN_OPTIONS") else 96) * 1024

results = []  # (class, name, ok, detail)


def check(cls, name, fn, opened=True):
    run_case(results, cls, name, fn, opened=opened, peak_limit_kib=PEAK_LIMIT_KIB)


def expect_close(d, data):
    d.send(data)
    r = d.recv_frame(timeout=5)
    assert r == "EOF", "expected a close, got %r" % (r,)


def expect_error_then_alive(d, data, code=None, before=None):
    d.send(data)
    r = d.recv_frame()
    got = error_of(r)
    assert got is not None, "expected an error reply, got %r" % (r,)
    assert code is None or got == code, "expected error code %d, got %d" % (code, got)
    assert ok_reply(d.call(PROC_GET_VERSION, serial=901)), "no answer after the error"
    if before is not None:
        assert domain_names(d) == before, "the domain list changed"


DEFAULT = ["test"]

# Length words that are not a frame: every value below the minimum, just
# over the maximum, and 4 GiB - 1. Each ends the connection at once.
for n in list(range(0, 28)) + [MAX_LEN + 1, 0xFFFFFFFF]:
    check("length", "length %d" % n,
          lambda d, n=n: expect_close(d, struct.pack(">I", n) + b"\0" * 24))

# Frames cut short, then a hang-up: the process ends cleanly.
def cut(data):
    def run(d):
        d.send(data)
        d.sock.shutdown(socket.SHUT_WR)
        r = d.recv_frame(timeout=5)
        assert r == "EOF", "expected a close, got %r" % (r,)
    return run

whole = frame(PROC_LOOKUP_BY_NAME, xdr_bytes(b"test"))
for k in (1, 3, 4, 10, 27, 28, len(whole) - 1):
    check("truncated", "first %d of %d bytes" % (k, len(whole)), cut(whole[:k]))

# Header fields out of range: an error reply and the connection lives.
check("header", "wrong program",
      lambda d: expect_error_then_alive(d, frame(4, prog=0x12345678), 39, DEFAULT))
check("header", "wrong version",
      lambda d: expect_error_then_alive(d, frame(4, vers=2), 39, DEFAULT))
for st in (1, 2, 3, -1):
    check("header", "status %d" % st,
          lambda d, st=st: expect_error_then_alive(d, frame(4, status=st), 39, DEFAULT))
for proc in (0, 444, -2147483648, 2147483647, -1):
    check("procedure", "procedure %d" % proc,
          lambda d, proc=proc: expect_error_then_alive(d, frame(proc), None, DEFAULT))

# A reply (or event) sent by the client: nothing to answer, the call after
# it still works.
def ignored(typ):
    def run(d):
        d.send(frame(PROC_GET_VERSION, typ=typ, serial=3))
        r = d.call(PROC_GET_VERSION, serial=4)
        assert ok_reply(r) and r[0][4] == 4, "expected only the reply to serial 4, got %r" % (r,)
    return run
for typ in (REPLY, MESSAGE, 3, 5, 6, 99):
    check("type", "type %d sent as a call" % typ, ignored(typ))

# Strings and counts beyond their maxima, negative counts: refused before
# anything is allocated for them.
for claimed in (4194305, 0x7FFFFFFF, 0xFFFFFFFF, 0x80000000):
    check("counts", "name length %#x" % claimed,
          lambda d, c=claimed: expect_error_then_alive(
              d, frame(PROC_LOOKUP_BY_NAME, struct.pack(">I", c) + b"abcd"), 39, DEFAULT))
check("counts", "list_all need_results -1",
      lambda d: (d.call(PROC_LIST_ALL, struct.pack(">iI", -1, 0)), None)[1])
check("counts", "list_domains maxids -1",
      lambda d: expect_error_then_alive(d, frame(37, struct.pack(">i", -1)), 39, DEFAULT))
check("counts", "list_domains maxids 2^31-1",
      lambda d: expect_error_then_alive(d, frame(37, struct.pack(">i", 0x7FFFFFFF)), 39,
                                        DEFAULT))
check("counts", "one 4 MiB string (the maximum) of garbage XML",
      lambda d: expect_error_then_alive(
          d, frame(PROC_DEFINE_XML_FLAGS, xdr_bytes(b"<" * 4194304) + struct.pack(">I", 0)),
          None, DEFAULT))

# Names and documents no domain should come from.
for name in (b"\xff\xfe", b"te\x00st", b"\xc3\x28", b"a" * 70000):
    check("names", "lookup of %r" % name[:12],
          lambda d, n=name: expect_error_then_alive(d, frame(PROC_LOOKUP_BY_NAME, xdr_bytes(n)),
                                                    None, DEFAULT))
def define(xml):
    return frame(PROC_DEFINE_XML_FLAGS, xdr_bytes(xml) + struct.pack(">I", 0))
check("xml", "invalid UTF-8 in <name>",
      lambda d: expect_error_then_alive(d, define(
          b"<domain type='test'><name>\xff\xfe</name><memory>1024</memory>"
          b"<os><type>hvm</type></os></domain>"), None, DEFAULT))
check("xml", "nesting 100000 deep",
      lambda d: expect_error_then_alive(d, define(
          b"<domain type='test'>" + b"<a>" * 100000 + b"</a>" * 100000 + b"</domain>"),
          None, DEFAULT))
check("xml", "billion laughs",
      lambda d: expect_error_then_alive(d, define(
          b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
          + b"".join(b'<!ENTITY %c "%s">' % (ord("b") + i, (b"&" + bytes([ord("a") + i]) + b";") * 10)
                     for i in range(9))
          + b']><domain type="test"><name>&j;</name></domain>'), None, DEFAULT))
check("xml", "external entity",
      lambda d: expect_error_then_alive(d, define(
          b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
          b'<domain type="test"><name>&x;</name><memory>1024</memory>'
          b'<os><type>hvm</type></os></domain>'), None, DEFAULT))
# 20000 attributes on one element: libxml2's duplicate-attribute check is
# quadratic (about 0.3 s here, 8 s for 100000), so a client can spend its
# own connection process's CPU this way; docs/security.md says so.
check("xml", "20000 attributes on one element",
      lambda d: expect_error_then_alive(d, define(
          b"<domain type='test' " + b" ".join(b"a%d='x'" % i for i in range(20000)) +
          b"/>"), None, DEFAULT))

# Many calls sent without reading a reply: the daemon stops reading while
# its replies wait (memory stays bounded), then answers every one in order.
def pipelined(d):
    n = 20000
    calls = b"".join(frame(PROC_GET_VERSION, serial=1000 + i) for i in range(n))
    d.sock.settimeout(30)
    sent = 0
    d.sock.setblocking(False)
    got = 0
    pending = b""
    end = time.monotonic() + 60
    while got < n and time.monotonic() < end:
        if sent < len(calls):
            try:
                sent += d.sock.send(calls[sent:sent + 65536])
            except BlockingIOError:
                pass
        d.sample()
        try:
            chunk = d.sock.recv(65536)
            if not chunk:
                break
            pending += chunk
        except BlockingIOError:
            if sent >= len(calls):
                time.sleep(0.001)
            continue
        while len(pending) >= 4:
            ln = struct.unpack(">I", pending[:4])[0]
            if len(pending) < ln:
                break
            serial = struct.unpack(">I", pending[20:24])[0]
            assert serial == 1000 + got, "reply %d has serial %d" % (got, serial)
            pending = pending[ln:]
            got += 1
    d.sock.setblocking(True)
    assert got == n, "%d of %d replies" % (got, n)
    return "%d replies in order" % n
check("pipelined", "20000 calls without reading", pipelined)


# One maximal frame (the 32 MiB limit): the process holds it once, so its
# peak address space (VmPeak, what connection_memory_limit bounds) grows by
# about the frame's size over that of a process that read only small
# calls; reserving room for the whole frame on top of the part already in
# made it half as much again (48 MiB, untouched, so not resident).
def peak_after(body):
    d = Daemon()
    try:
        assert ok_reply(d.call(PROC_OPEN, OPEN[28:], serial=0)), "open failed"
        d.send(frame(PROC_GET_VERSION, body, serial=5))
        r = d.recv_frame(timeout=30)
        assert isinstance(r, tuple) and r[0][4] == 5, "no reply to the call: %r" % (r,)
        d.sample()
    finally:
        status = d.finish()
    assert status != "hung" and os.WIFEXITED(status), "process ended with %r" % (status,)
    return d.peak_vm


def maximal_frame_peak():
    frame_kib = (MAX_LEN - 4) // 1024
    idle = peak_after(b"")
    big = peak_after(b"\0" * (MAX_LEN - 28))
    growth = big - idle
    assert growth < frame_kib + 8 * 1024, \
        "peak address space grew by %d KiB for a %d KiB frame (%d KiB without, %d KiB " \
        "with the frame)" % (growth, frame_kib, idle, big)
    return "peak address space grew by %d KiB for a %d KiB frame" % (growth, frame_kib)


try:
    detail, ok = maximal_frame_peak(), True
except AssertionError as e:
    ok, detail = False, str(e)
results.append(("size", "one maximal frame is held once", ok, detail))
if os.environ.get("MALFORMED_VERBOSE"):
    print("size: %s" % detail)

by_class = {}
for cls, name, ok, detail in results:
    by_class.setdefault(cls, [0, 0])
    by_class[cls][0] += 1
    by_class[cls][1] += ok
    if not ok:
        print("FAIL [%s] %s: %s" % (cls, name, detail))
for cls, (n, good) in by_class.items():
    print("%-10s %3d inputs, %3d as expected" % (cls, n, good))
good = sum(1 for r in results if r[2])
print("malformed: %d/%d cases as expected" % (good, len(results)))
sys.exit(0 if good == len(results) else 1)
