#!/usr/bin/python3
"""Faults on the daemon side, over a real socket to our activated libvirtd
(one process per case, as in the malformed-input suite), with a config of
message_timeout = 2, keepalive_interval = 1, keepalive_count = 2:

  slow       a client that trickles a message byte by byte (the byte per
             minute of a slow-loris client, scaled down to a byte per
             half second) is cut off after message_timeout; one that sends
             nothing at all, likewise; one that sends a message in pieces
             within the limit is served;
  unread     a client that sends calls but never reads the replies is cut
             off once the daemon has waited message_timeout to write; one
             that takes a large reply slowly, each read well within
             message_timeout of the last, is cut off once that one write
             has taken message_timeout;
  keepalive  a client that asked for keepalive and then goes silent gets
             keepalive_count pings and is closed; one that answers the
             pings stays connected;
  hangup     a client that hangs up with a call in flight (killed mid-call):
             the process exits 0 by itself;
  listener   `libvirtd --listen` takes 10,000 connections dropped abruptly
             (reset, some mid-frame), then still serves, with the same
             number of open fds and children as before and no zombies.

Each case also checks that the process exits by itself with status 0 or 1
(never a signal). Prints "faults: N/N cases as expected".

Usage: LIBVIRTD=build/src/libvirtd /usr/bin/python3 faults.py
"""

import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

from rawclient import (LIBVIRTD, OPEN, PROC_DEFINE_XML_FLAGS, PROC_GET_VERSION, frame, ok_reply,
                       run_case, xdr_bytes)

PROC_SUPPORTS_FEATURE = 60
KEEPALIVE_PROG = 0x6b656570
FEATURE_PROGRAM_KEEPALIVE = 10

tmp = tempfile.mkdtemp(prefix="lvfaults.")
conf = os.path.join(tmp, "libvirtd.conf")
with open(conf, "w") as f:
    f.write("message_timeout = 2\nkeepalive_interval = 1\nkeepalive_count = 2\n")

results = []  # (class, name, ok, detail)


def check(cls, name, fn, opened=True):
    run_case(results, cls, name, fn, args=["-f", conf], opened=opened)


def wait_eof(d, limit):
    """Seconds until the daemon closed the connection (reading and
    dropping whatever it sends), or None after `limit` seconds."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        r = d.recv_frame(timeout=limit)
        if r == "EOF":
            return time.monotonic() - t0
        if r == "TIMEOUT":
            return None
    return None


# slow ------------------------------------------------------------------

def trickle(d):
    msg = frame(PROC_GET_VERSION, serial=5)
    t0 = time.monotonic()
    d.sock.settimeout(0.5)
    for b in msg:
        try:
            d.sock.send(bytes([b]))
        except OSError:
            break
        try:
            if d.sock.recv(1) == b"":
                break
        except socket.timeout:
            continue
        except ConnectionResetError:
            break
    took = time.monotonic() - t0
    assert took < 6, "still connected %.1f s after the first byte" % took
    assert took > 1.5, "cut off after only %.1f s" % took
    return "cut off after %.1f s" % took


check("slow", "a byte every 0.5 s", trickle)


def silent_from_start(d):
    took = wait_eof(d, 8)
    assert took is not None, "no close within 8 s"
    assert took > 1.5, "closed after only %.1f s" % took
    return "closed after %.1f s" % took


check("slow", "connects and sends nothing", silent_from_start, opened=False)


def pieces_in_time(d):
    msg = frame(PROC_GET_VERSION, serial=6)
    for part in (msg[:3], msg[3:17], msg[17:]):
        d.send(part)
        time.sleep(0.4)
    r = d.recv_frame(timeout=5)
    assert ok_reply(r), "no reply to a message sent in pieces within the limit: %r" % (r,)
    return "answered"


check("slow", "a message in three pieces within 1.2 s", pieces_in_time)


# unread ----------------------------------------------------------------

def never_reads(d):
    d.sock.setblocking(False)
    call = frame(PROC_GET_VERSION, serial=9) * 64
    t0 = time.monotonic()
    stuck_since = None
    while time.monotonic() - t0 < 15:
        try:
            d.sock.send(call)
            stuck_since = None
        except BlockingIOError:
            stuck_since = stuck_since or time.monotonic()
            time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            break
        pid, status = os.waitpid(d.pid, os.WNOHANG)
        if pid:
            d.status = status
            break
    took = time.monotonic() - t0
    assert took < 15, "daemon still writing to a client that never reads after 15 s"
    return "cut off after %.1f s" % took


check("unread", "sends calls, never reads", never_reads)


PROC_DOMAIN_GET_XML_DESC = 14


def slow_reader(d):
    """A 3 MiB reply read 256 KiB a second: the daemon's socket drains
    every second, so no single wait for room lasts message_timeout (2 s),
    but the write as a whole would take about 12 s."""
    xml = (b"<domain type='test'><name>big</name><memory>1024</memory><description>" +
           b"x" * (3 << 20) + b"</description><os><type>hvm</type></os></domain>")
    r = d.call(PROC_DEFINE_XML_FLAGS, xdr_bytes(xml) + struct.pack(">I", 0), serial=3)
    assert ok_reply(r), "define failed: %r" % (r,)
    d.send(frame(PROC_DOMAIN_GET_XML_DESC, r[1] + struct.pack(">I", 0), serial=4))
    d.sock.settimeout(1.0)
    got, t0 = 0, time.monotonic()
    while time.monotonic() - t0 < 20:
        time.sleep(1.0)
        try:
            chunk = d.sock.recv(256 << 10)
        except socket.timeout:
            continue
        except ConnectionResetError:
            break
        if not chunk:
            break
        got += len(chunk)
    took = time.monotonic() - t0
    assert got < len(xml), "the whole reply (%d bytes) was written in %.1f s" % (got, took)
    assert took < 8, "still connected %.1f s after the reply began (%d bytes read)" % (took, got)
    assert took > 1.5, "cut off after only %.1f s" % took
    return "cut off after %.1f s, %d KiB read" % (took, got >> 10)


check("unread", "takes a 3 MiB reply 256 KiB a second", slow_reader)


# keepalive -------------------------------------------------------------

def ask_keepalive(d):
    r = d.call(PROC_SUPPORTS_FEATURE, struct.pack(">i", FEATURE_PROGRAM_KEEPALIVE), serial=3)
    assert ok_reply(r) and r[1] == struct.pack(">i", 1), "keepalive not offered: %r" % (r,)


def silent_peer(d):
    ask_keepalive(d)
    pings, t0 = 0, time.monotonic()
    while True:
        r = d.recv_frame(timeout=10)
        if r == "EOF":
            break
        assert r != "TIMEOUT", "still connected after %d pings" % pings
        if r[0][0] == KEEPALIVE_PROG and r[0][2] == 1:
            pings += 1
    took = time.monotonic() - t0
    assert pings == 2, "%d pings before the close, expected keepalive_count = 2" % pings
    assert 2 < took < 6, "closed after %.1f s" % took
    return "%d pings, closed after %.1f s" % (pings, took)


check("keepalive", "silent after asking for keepalive", silent_peer)


def answering_peer(d):
    ask_keepalive(d)
    pings, t0 = 0, time.monotonic()
    while time.monotonic() - t0 < 5:
        r = d.recv_frame(timeout=1.5)
        if r == "TIMEOUT":
            continue
        assert r != "EOF", "closed after %.1f s although every ping was answered" % (
            time.monotonic() - t0)
        if r[0][0] == KEEPALIVE_PROG and r[0][2] == 1:
            pings += 1
            d.send(frame(2, prog=KEEPALIVE_PROG, typ=2, serial=0))
    assert pings >= 3, "only %d pings in 5 s" % pings
    r = d.call(PROC_GET_VERSION, serial=11)
    assert ok_reply(r), "no reply after 5 s of pongs: %r" % (r,)
    return "%d pings answered, still served" % pings


check("keepalive", "answers every ping", answering_peer)


# hangup ----------------------------------------------------------------

def hangup_mid_call(d):
    d.send(frame(PROC_GET_VERSION, serial=12) * 200)
    d.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    d.sock.close()
    t0 = time.monotonic()
    while time.monotonic() - t0 < 5:
        pid, status = os.waitpid(d.pid, os.WNOHANG)
        if pid:
            d.status = status
            assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, \
                "exit status %r, expected 0 (a client gone is an orderly end)" % status
            return "exited %d after %.2f s" % (os.WEXITSTATUS(status), time.monotonic() - t0)
        time.sleep(0.02)
    raise AssertionError("still running 5 s after the client vanished")


check("hangup", "200 calls in flight, then reset", hangup_mid_call)


# listener --------------------------------------------------------------

def children(pid):
    out = subprocess.run(["ps", "-o", "pid=,stat=", "--ppid", str(pid)],
                         capture_output=True, text=True).stdout.split("\n")
    rows = [line.split() for line in out if line.strip()]
    return [r[0] for r in rows], [r[0] for r in rows if r[1].startswith("Z")]


def fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def listener():
    sock_dir = os.path.join(tmp, "sock")
    os.mkdir(sock_dir)
    lconf = os.path.join(tmp, "listen.conf")
    with open(lconf, "w") as f:
        f.write('unix_sock_dir = "%s"\nlisten_tcp = 0\nlisten_tls = 0\n'
                'auth_unix_rw = "none"\nauth_unix_ro = "none"\nmessage_timeout = 2\n' % sock_dir)
    log = open(os.path.join(tmp, "listen.log"), "w")
    p = subprocess.Popen([LIBVIRTD, "--listen", "-f", lconf], stdin=subprocess.DEVNULL,
                         stdout=log, stderr=log)
    path = os.path.join(sock_dir, "libvirt-sock")
    try:
        for _ in range(100):
            if os.path.exists(path):
                break
            time.sleep(0.1)
        time.sleep(0.5)
        fds0, (kids0, _) = fds(p.pid), children(p.pid)
        n, t0 = 10000, time.monotonic()
        for i in range(n):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            if i % 3 == 1:
                s.send(OPEN[:17])  # mid-frame
            elif i % 3 == 2:
                s.send(OPEN)  # a whole call, reply never read
            s.close()
        took = time.monotonic() - t0
        # Let the backlog drain and the pool refill; judge the last sample
        # (a later one could catch a child that has just exited, before
        # the listener reaps it).
        deadline = time.monotonic() + 10
        while True:
            (kids, zombies), nfds = children(p.pid), fds(p.pid)
            if (len(kids) == len(kids0) and not zombies and nfds == fds0) or \
                    time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert p.poll() is None, "the listener exited (status %r)" % p.returncode
        assert not zombies, "zombie children: %s" % zombies
        assert len(kids) == len(kids0), "%d children before, %d after" % (len(kids0), len(kids))
        assert nfds == fds0, "%d fds before, %d after" % (fds0, nfds)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        s.settimeout(10)
        s.sendall(OPEN)
        hdr = s.recv(28)
        s.close()
        assert len(hdr) == 28 and struct.unpack(">i", hdr[24:28])[0] == 0, \
            "no open reply after the storm: %r" % hdr
        return "%d connections dropped in %.1f s; %d fds and %d children before and after" % (
            n, took, fds0, len(kids0))
    finally:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        log.close()


try:
    detail, ok = listener(), True
except AssertionError as e:
    ok, detail = False, str(e)
results.append(("listener", "10000 abrupt connections to --listen", ok, detail))

subprocess.run(["rm", "-rf", tmp])
by_class = {}
for cls, name, ok, detail in results:
    by_class.setdefault(cls, [0, 0])
    by_class[cls][0] += 1
    by_class[cls][1] += ok
    print("%s [%s] %s: %s" % ("ok  " if ok else "FAIL", cls, name, detail))
good = sum(1 for r in results if r[2])
print("faults: %d/%d cases as expected" % (good, len(results)))
sys.exit(0 if good == len(results) else 1)
