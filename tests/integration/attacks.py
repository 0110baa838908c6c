#!/usr/bin/python3
"""Attacks on the daemon by the clients it must not trust (issue 14), each
run against our libvirtd as it really runs: socket-activated (read-write and
read-only sockets from with-daemons.sh) and --listen (started here), and,
where we answer as libvirt does, against a private real libvirtd 9.0 whose
answer the test compares ours with. Where we deliberately differ from real
libvirt (it is vulnerable), real's behaviour is quoted or printed.

The daemons run with their address space bounded (bounded.sh), so a
regression that makes one grow fails here instead of taking the machine.

Run through with-daemons.sh, which sets REAL_SOCK[_RO] and OURS_SOCK[_RO]:
  LIBVIRTD=build/src/libvirtd tests/integration/bounded.sh \\
      tests/integration/with-daemons.sh /usr/bin/python3 tests/integration/attacks.py

Prints one line per check and "attacks: N/N as expected".
"""

import os
import select
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time

import libvirt

from rawclient import (LIBVIRTD, PROC_DEFINE_XML_FLAGS, PROC_GET_VERSION, PROC_LIST_ALL,
                       TEST_UUID, UnixConn, error_text, frame, peak_kib, xdr_bytes)

PROC_CLOSE, PROC_DESTROY, PROC_DEFINE_XML, PROC_GET_XML_DESC = 2, 12, 11, 14
PROC_SET_MEMORY, PROC_UNDEFINE, PROC_EVENT_REGISTER = 31, 35, 105
PROC_EVENT_REGISTER_ANY, PROC_CALLBACK_REGISTER_ANY = 167, 316
PROC_EVENT_LIFECYCLE, PROC_CALLBACK_LIFECYCLE = 107, 318
NOBODY = 65534
NODE_FILE_MAX = 16 * 1024 * 1024
# Peak memory of one connection's process during an attack; sanitizer
# builds carry shadow memory.
PEAK_LIMIT_KIB = (512 if os.environ.get("ASAN_OPTIONS") else 64) * 1024

TEST_DOM = xdr_bytes(b"test") + TEST_UUID + struct.pack(">i", 1)
results = []


def check(name, ok, detail=""):
    results.append(ok)
    detail = detail.replace("\n", "\\n")
    print("%s %s%s" % ("ok  " if ok else "FAIL", name, (": " + detail) if detail else ""))
    sys.stdout.flush()


def same_as_real(name, ours, real):
    check(name, ours == real, "ours %r, real %r" % (ours, real) if ours != real else str(ours))


def libvirt_error(fn):
    try:
        r = fn()
        return "OK %r" % (r,)
    except libvirt.libvirtError as e:
        return "code=%d domain=%d %s" % (e.get_error_code(), e.get_error_domain(),
                                         e.get_error_message())


def uri(path, sock):
    return "test+unix://%s?socket=%s" % (path, sock)


def wait_gone(pid, secs=5.0):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:
            with open("/proc/%d/stat" % pid) as f:
                if f.read().split(") ")[1].startswith("Z"):
                    return True  # exited; its parent reaps it
        except (OSError, IndexError):
            return True
        time.sleep(0.05)
    return False


def names(c, flags=0):
    """Names from CONNECT_LIST_ALL_DOMAINS with flags, sorted."""
    reply = c.call(PROC_LIST_ALL, struct.pack(">iI", 1, flags), serial=900)
    if not isinstance(reply, tuple) or reply[0][5] != 0:
        return error_text(reply)
    body, out, off = reply[1], [], 4
    for _ in range(struct.unpack(">I", body[:4])[0]):
        n = struct.unpack(">I", body[off:off + 4])[0]
        out.append(body[off + 4:off + 4 + n].decode())
        off += 4 + n + (4 - n % 4) % 4 + 16 + 4
    return sorted(out)


def open_as(sock, path, uid=None, gids=()):
    """Opens test://PATH on sock as uid (None: ourselves, root) with the
    supplementary groups gids; returns the reply's error_text, bounded to
    10 s."""
    if uid is None:
        c = UnixConn(sock)
        try:
            return error_text(c.open("test://" + path))
        finally:
            c.close()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            os.setgroups(list(gids))
            os.setgid(uid)
            os.setuid(uid)
            c = UnixConn(sock)
            text = error_text(c.open("test://" + path))
            os.write(w, text.encode())
        except Exception as e:  # reported to the parent as the answer
            os.write(w, ("client error: %r" % e).encode())
        finally:
            os._exit(0)
    os.close(w)
    ready = select.select([r], [], [], 15)[0]
    text = os.read(r, 65536).decode() if ready else "TIMEOUT"
    os.close(r)
    if not ready:
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return text


def define_raw(c, xml, serial=50):
    return error_text(c.call(PROC_DEFINE_XML_FLAGS, xdr_bytes(xml) + struct.pack(">I", 0),
                             serial=serial, timeout=20))


class Listen:
    """Our libvirtd --listen with a private configuration."""

    def __init__(self, root):
        self.dir = os.path.join(root, "listen")
        os.mkdir(self.dir)
        conf = os.path.join(root, "listen.conf")
        with open(conf, "w") as f:
            f.write('unix_sock_dir = "%s"\nlisten_tls = 0\nmax_clients = 3\n' % self.dir)
        self.log = open(os.path.join(root, "listen.log"), "w")
        self.proc = subprocess.Popen([LIBVIRTD, "--listen", "-f", conf],
                                     stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.rw = os.path.join(self.dir, "libvirt-sock")
        self.ro = os.path.join(self.dir, "libvirt-sock-ro")
        end = time.monotonic() + 10
        while not os.path.exists(self.ro):
            if time.monotonic() > end or self.proc.poll() is not None:
                raise SystemExit("--listen did not start")
            time.sleep(0.05)

    def stop(self):
        # Connection processes that hang (a regression) must not outlive
        # the test: they are the daemon's children.
        try:
            with open("/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)) as f:
                children = [int(p) for p in f.read().split()]
        except OSError:
            children = []
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def let_anyone_reach(sock):
    """A local user other than root must reach sock: every directory above
    it searchable, the socket writable."""
    d = os.path.dirname(sock)
    while d not in ("/", "/tmp", ""):
        os.chmod(d, os.stat(d).st_mode | 0o711)
        d = os.path.dirname(d)
    os.chmod(sock, 0o777)


def make_files(root):
    """The files the node-file attacks name, in a directory anyone reads."""
    d = os.path.join(root, "files")
    os.mkdir(d)
    os.chmod(d, 0o755)
    data = os.environ["TEST_DATA"] + "/testdriver"
    node = open(data + "/node.xml").read()
    dom2 = open(data + "/dom2.xml").read()

    def put(name, text, mode, gid=0):
        p = os.path.join(d, name)
        with open(p, "w") as f:
            f.write(text)
        os.chown(p, 0, gid)
        os.chmod(p, mode)
        return p

    f = {
        "node": put("node.xml", node, 0o644),
        "dom2": put("dom2.xml", dom2, 0o644),
        "secret-node": put("secret-node.xml", node, 0o600),
        "secret-dom": put("secret-dom.xml", dom2, 0o600),
        "group-node": put("group-node.xml", node, 0o640, gid=4242),
        "entity-node": put("entity-node.xml",
                           '<!DOCTYPE node [<!ENTITY m "8192000">]>' +
                           node.replace("<memory>8192000</memory>", "<memory>&m;</memory>"),
                           0o644),
    }
    f["ref-node"] = put("ref-node.xml", node.replace('file="dom2.xml"', 'file="secret-dom.xml"'),
                        0o644)
    f["link"] = os.path.join(d, "link.xml")
    os.symlink("node.xml", f["link"])
    f["fifo"] = os.path.join(d, "fifo")
    os.mkfifo(f["fifo"], 0o666)
    f["big"] = os.path.join(d, "big.xml")
    with open(f["big"], "w") as fh:
        fh.truncate(NODE_FILE_MAX + 1)
    os.chmod(f["big"], 0o644)
    f["dir"] = d
    return f


# ---- 1. test:///dev/zero on the read-only socket ----
def dev_zero(name, ro, real_ro):
    c = UnixConn(ro)
    t0 = time.monotonic()
    got = error_text(c.open("test:///dev/zero", timeout=15))
    took = time.monotonic() - t0
    peak = peak_kib(c.server_pid() or 0)
    c.close()
    check("%s: test:///dev/zero on the read-only socket is refused at once" % name,
          "'/dev/zero' is not a regular file" in got and took < 5 and peak is not None and
          peak < PEAK_LIMIT_KIB, "%s (%.2f s, peak %s KiB)" % (got, took, peak))


# ---- 2. a FIFO as the node file ----
def fifo(name, ro, rw, path):
    c = UnixConn(ro)
    got = error_text(c.open("test://" + path, timeout=5))
    pid = c.server_pid()
    c.close()
    gone = pid is not None and wait_gone(pid)
    if pid is not None and not gone:
        os.kill(pid, signal.SIGKILL)  # a daemon that blocks must not outlive the test
    check("%s: a FIFO as node file is refused without blocking, and the process ends "
          "with the client" % name,
          "is not a regular file" in got and gone, "%s; process %s" %
          (got, "ended" if gone else "still running 5 s after the hang-up"))
    c = UnixConn(rw)
    ok = error_text(c.open()) == "OK" and error_text(c.call(PROC_GET_VERSION)) == "OK"
    c.close()
    check("%s: the read-write socket still serves after FIFO attacks" % name, ok)


# ---- 3. node files as the peer: permissions, symlinks, size ----
def node_files(name, ro, f, real_ro):
    def expect(what, got, want):
        check("%s: %s" % (name, what), want in got, got)

    expect("uid 65534 opens a world-readable node file", open_as(ro, f["node"], NOBODY), "OK")
    expect("uid 65534 may not open a root-only node file",
           open_as(ro, f["secret-node"], NOBODY),
           "Failed to open file '%s' as uid 65534: Permission denied" % f["secret-node"])
    expect("uid 65534 may not make the daemon read a root-only domain file= reference",
           open_as(ro, f["ref-node"], NOBODY),
           "Failed to open file '%s' as uid 65534: Permission denied" % f["secret-dom"])
    expect("a supplementary group of the peer counts", open_as(ro, f["group-node"], NOBODY,
                                                                 gids=[4242]), "OK")
    expect("without that group the group-readable file is refused",
           open_as(ro, f["group-node"], NOBODY), "Permission denied")
    expect("root opens a root-only node file", open_as(ro, f["secret-node"]), "OK")
    expect("a symbolic link is not followed", open_as(ro, f["link"]),
           "'%s' is a symbolic link" % f["link"])
    expect("a directory is refused", open_as(ro, f["dir"]), "'%s' is a directory" % f["dir"])
    expect("a node file over 16 MiB is refused before it is read", open_as(ro, f["big"]),
           "'%s' is larger than %d bytes" % (f["big"], NODE_FILE_MAX))
    missing = f["dir"] + "/missing.xml"
    same_as_real("%s: a missing node file" % name, open_as(ro, missing),
                 open_as(real_ro, missing))


def real_reads_as_root(real_ro, f):
    """Real libvirt opens node files as root for anyone: shown, not judged."""
    print("info real libvirtd 9.0 for uid 65534 and a root-only node file: %s" %
          open_as(real_ro, f["secret-node"], NOBODY))


# ---- 4. entity amplification and every DTD ----
AMPLIFY = ("<!DOCTYPE domain [<!ENTITY e \"%s\">]><domain type='test'><name>amp</name>"
           "<memory>65536</memory><os><type>hvm</type></os><description>%s</description>"
           "</domain>") % ("x" * (1 << 20), "&e;" * 300000)
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
          '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
          '<domain type="test"><name>lol</name><memory>1024</memory><os><type>hvm</type></os>'
          '<description>&c;</description></domain>')
EXTERNAL = ('<!DOCTYPE domain [<!ENTITY x SYSTEM "file:///etc/shadow">]><domain type="test">'
            '<name>xxe</name><memory>1024</memory><os><type>hvm</type></os>'
            '<description>&x;</description></domain>')
DOCTYPE_ERR = "a <!DOCTYPE> is not accepted"


def entities(name, rw, ro, f):
    c = UnixConn(rw)
    c.open()
    t0 = time.monotonic()
    got = define_raw(c, AMPLIFY.encode())
    took = time.monotonic() - t0
    peak = peak_kib(c.server_pid() or 0)
    check("%s: a 1 MiB entity referenced 300,000 times is refused at once" % name,
          got.startswith("code=27 ") and DOCTYPE_ERR in got and took < 5 and
          peak is not None and peak < PEAK_LIMIT_KIB,
          "%s (%.2f s, peak %s KiB)" % (got[:120], took, peak))
    for what, doc in (("nested entities are", LAUGHS), ("an external entity is", EXTERNAL)):
        got = define_raw(c, doc.encode())
        check("%s: %s refused" % (name, what), DOCTYPE_ERR in got, got[:120])
    check("%s: nothing was defined" % name, names(c) == ["test"], repr(names(c)))
    c.close()
    got = open_as(ro, f["entity-node"])
    check("%s: a node file with a DTD is refused" % name, DOCTYPE_ERR in got, got[:160])


# ---- 5. VIR_CONNECT_RO on the read-write socket; 6. migratable XML ----
def connect_ro(name, rw, real_rw):
    domain_xml = (b"<domain type='test'><name>zz</name><memory>1024</memory>"
                  b"<os><type>hvm</type></os></domain>")
    calls = [
        ("destroy", PROC_DESTROY, TEST_DOM),
        ("define", PROC_DEFINE_XML, xdr_bytes(domain_xml)),
        ("undefine", PROC_UNDEFINE, TEST_DOM),
        ("setmem", PROC_SET_MEMORY, TEST_DOM + struct.pack(">Q", 1024)),
        ("migratable XML", PROC_GET_XML_DESC, TEST_DOM + struct.pack(">I", 8)),
        ("secure XML", PROC_GET_XML_DESC, TEST_DOM + struct.pack(">I", 1)),
    ]
    conns = [UnixConn(rw), UnixConn(real_rw)]
    for c in conns:
        c.open(flags=1)
    for what, proc, body in calls:
        ours, real = (error_text(c.call(proc, body)) for c in conns)
        same_as_real("%s: %s after opening the read-write socket with VIR_CONNECT_RO" %
                     (name, what), ours, real)
        check("%s: ... refused" % name, ours.startswith("code=29 "), ours)
    check("%s: the domains are as they were" % name,
          names(conns[0], 1) == ["test"] and names(conns[0]) == ["test"], repr(names(conns[0])))
    for c in conns:
        c.close()


def read_only_reads(name, ro, real_ro):
    conns = [libvirt.openReadOnly(uri("/default", s)) for s in (ro, real_ro)]
    doms = [c.lookupByName("test") for c in conns]
    for what, fn in (
            ("migratable XML", lambda d: d.XMLDesc(libvirt.VIR_DOMAIN_XML_MIGRATABLE)),
            ("secure XML", lambda d: d.XMLDesc(libvirt.VIR_DOMAIN_XML_SECURE)),
            ("vCPUs from the guest agent",
             lambda d: d.vcpusFlags(libvirt.VIR_DOMAIN_VCPU_GUEST)),
            ("inactive XML", lambda d: len(d.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)) > 0)):
        ours, real = (libvirt_error(lambda d=d: fn(d)) for d in doms)
        same_as_real("%s: %s on the read-only socket" % (name, what), ours, real)
    for c in conns:
        c.close()


# ---- 8. input limits ----
def dom_xml(name="lim", memory="65536", vcpu="1", unit=""):
    return ("<domain type='test'><name>%s</name><memory%s>%s</memory><vcpu>%s</vcpu>"
            "<os><type>hvm</type></os></domain>" % (name, unit, memory, vcpu))


def input_limits(name, rw, real_rw):
    conns = [libvirt.open(uri("/default", s)) for s in (rw, real_rw)]

    def both(what, xml, fn=lambda d: d.name()):
        ours, real = (libvirt_error(lambda c=c: fn(c.defineXML(xml))) for c in conns)
        same_as_real("%s: %s" % (name, what), ours, real)

    both("a name with a newline", dom_xml(name="a\nb"))
    both("a name with '/'", dom_xml(name="a/b"))
    both("memory of 2^53 KiB", dom_xml(memory="9007199254740992"))
    both("memory of 2^53-1 KiB", dom_xml(name="m53", memory="9007199254740991"),
         lambda d: d.maxMemory())
    both("memory of 2^33 GiB", dom_xml(memory="8589934592", unit=" unit='GiB'"))
    both("16384 vCPUs",
         dom_xml(name="v16k", vcpu="16384"),
         lambda d: d.vcpusFlags(libvirt.VIR_DOMAIN_AFFECT_CONFIG | libvirt.VIR_DOMAIN_VCPU_MAXIMUM))
    ours = conns[0]
    for what, xml, want in (
            ("2^31 vCPUs (real libvirtd 9.0 runs out of memory and dies)",
             dom_xml(vcpu="2147483648"), "maximum vcpus count 2147483648 is more than"),
            ("2^32 vCPUs", dom_xml(vcpu="4294967296"), "maximum vcpus count must be an integer"),
            ("a name with a tab", dom_xml(name="a\tb"), "invalid char in name: 0x09"),
            ("a name with DEL", dom_xml(name="a\x7fb"), "invalid char in name: 0x7f"),
            ("a name starting with '.'", dom_xml(name=".hidden"), "cannot start with '.'"),
            ("a name of 201 bytes", dom_xml(name="n" * 201), "201 bytes long, more than 200")):
        got = libvirt_error(lambda: ours.defineXML(xml).name())
        check("%s: %s is refused" % (name, what), want in got, got)
    got = libvirt_error(lambda: ours.defineXML(dom_xml(name="n" * 200)).name())
    check("%s: a name of 200 bytes is fine" % name, got.startswith("OK"), got[:60])
    for c in conns:
        c.close()


# ---- 10. event registrations, close, nameless open ----
def events_and_close(name, rw, real_rw):
    def run(sock):
        c = UnixConn(sock)
        c.open()
        out = []
        for what, proc, body in (
                ("callback lifecycle", PROC_CALLBACK_REGISTER_ANY, struct.pack(">iI", 0, 0)),
                ("callback lifecycle again", PROC_CALLBACK_REGISTER_ANY, struct.pack(">iI", 0, 0)),
                ("callback lifecycle for test", PROC_CALLBACK_REGISTER_ANY,
                 struct.pack(">iI", 0, 1) + TEST_DOM),
                ("callback lifecycle for test again", PROC_CALLBACK_REGISTER_ANY,
                 struct.pack(">iI", 0, 1) + TEST_DOM),
                ("legacy lifecycle", PROC_EVENT_REGISTER, b""),
                ("legacy reboot", PROC_EVENT_REGISTER_ANY, struct.pack(">i", 1)),
                ("legacy reboot again", PROC_EVENT_REGISTER_ANY, struct.pack(">i", 1)),
                ("legacy event 20", PROC_EVENT_REGISTER_ANY, struct.pack(">i", 20))):
            out.append((what, error_text(c.call(proc, body))))
        for i in range(254):
            c.call(PROC_CALLBACK_REGISTER_ANY, struct.pack(">iI", 0, 0))
        # One change, one event per registration that matches it.
        c.send(frame(PROC_DESTROY, TEST_DOM, serial=60))
        got = []
        while True:
            r = c.recv_frame(timeout=1)
            if not isinstance(r, tuple):
                break
            got.append(r[0][2])
        out.append(("events for one destroy", sorted(got)))
        out.append(("close", error_text(c.call(PROC_CLOSE))))
        out.append(("after close", c.recv_frame(timeout=5)))
        c.close()
        for nm in (None, ""):
            c = UnixConn(sock)
            out.append(("open with name %r" % nm, error_text(c.open(nm))))
            c.close()
        return out

    ours, real = run(rw), run(real_rw)
    for (what, o), (_, r) in zip(ours, real):
        same_as_real("%s: %s" % (name, what), o, r)


# ---- streams: frames for streams that are not there, or not that kind ----
PROC_SCREENSHOT, STREAM, STREAM_HOLE = 211, 3, 6


def stream_frames(c, serial, timeout=5):
    """The STREAM frames of the call with `serial` until its end: data
    bytes, and how it ended ('end', an error text, 'EOF' or 'TIMEOUT')."""
    got = 0
    while True:
        r = c.recv_frame(timeout=timeout)
        if not isinstance(r, tuple):
            return got, r
        hdr, body = r
        if hdr[4] != serial:
            continue
        if hdr[3] == STREAM and hdr[5] == 2 and body:
            got += len(body)
        elif hdr[3] == STREAM and hdr[5] == 2:
            return got, "end"
        else:
            return got, error_text(r)


def streams(name, rw, real_rw):
    def run(sock):
        c = UnixConn(sock)
        c.open()
        out = []
        # Data, a finish and an abort for streams nobody opened: ignored.
        c.send(frame(PROC_SCREENSHOT, b"x" * 100, serial=90, typ=STREAM, status=2))
        c.send(frame(PROC_SCREENSHOT, b"", serial=91, typ=STREAM, status=0))
        c.send(frame(PROC_SCREENSHOT, b"", serial=92, typ=STREAM, status=1))
        c.send(frame(PROC_SCREENSHOT, b"\0" * 12, serial=93, typ=STREAM_HOLE, status=2))
        out.append(("stray stream frames, then a call", error_text(c.call(PROC_GET_VERSION))))
        # A screenshot read whole.
        reply = c.call(PROC_SCREENSHOT, TEST_DOM + struct.pack(">II", 0, 0), serial=20)
        out.append(("screenshot", error_text(reply)))
        out.append(("screenshot's data", stream_frames(c, 20)))
        c.send(frame(PROC_SCREENSHOT, b"", serial=20, typ=STREAM, status=0))
        out.append(("its finish", error_text(c.recv_frame())))
        out.append(("after it", error_text(c.call(PROC_GET_VERSION))))
        c.close()
        return out

    ours, real = run(rw), run(real_rw)
    for (what, o), (_, r) in zip(ours, real):
        same_as_real("%s: %s" % (name, what), o, r)

    # A hole in a stream that is not sparse, a hole that is not 12 bytes and
    # a data flood into a stream that only reads: libvirtd drops the
    # client for the first; ours ends just that stream with an error and
    # serves the connection on.
    c = UnixConn(rw)
    c.open()
    for serial, extra in ((30, frame(PROC_SCREENSHOT, struct.pack(">qI", 1 << 40, 0), serial=30,
                                      typ=STREAM_HOLE, status=2)),
                          (31, frame(PROC_SCREENSHOT, b"abc", serial=31, typ=STREAM_HOLE,
                                     status=2)),
                          (32, frame(PROC_SCREENSHOT, b"y" * 65536, serial=32, typ=STREAM,
                                     status=2) * 200)):
        c.send(frame(PROC_SCREENSHOT, TEST_DOM + struct.pack(">II", 0, 0), serial=serial))
        c.send(extra)
        while True:
            r = c.recv_frame(timeout=5)
            if not isinstance(r, tuple) or (r[0][4] == serial and r[0][3] == STREAM and
                                            r[0][5] != 2):
                break
        check("%s: stream %d ends with an error" % (name, serial),
              isinstance(r, tuple) and r[0][5] == 1, error_text(r))
    check("%s: the connection serves on" % name, error_text(c.call(PROC_GET_VERSION)) == "OK")
    c.close()


# ---- a hostile server: our virsh parses the server's XML the same way ----
HOSTILE_XML = ("<!DOCTYPE domain [<!ENTITY e \"%s\">]><domain type='test'><name>test</name>"
               "<devices><disk type='file' device='disk'><source file='/x'/>"
               "<target dev='%s'/></disk></devices></domain>") % ("x" * (1 << 20),
                                                                  "&e;" * 300000)


class HostileProxy:
    """Relays a unix socket to a daemon's, replacing the XML of every
    GetXMLDesc reply with HOSTILE_XML."""

    def __init__(self, path, upstream):
        self.path, self.upstream = path, upstream
        self.lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.lsock.bind(path)
        self.lsock.listen(4)
        self.lsock.settimeout(30)
        self.pid = os.fork()
        if self.pid == 0:
            try:
                self._serve()
            finally:
                os._exit(0)
        self.lsock.close()

    def _serve(self):
        client, _ = self.lsock.accept()
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.connect(self.upstream)
        bufs = {client: b"", server: b""}
        while True:
            for sock in select.select([client, server], [], [], 30)[0]:
                data = sock.recv(1 << 16)
                if not data:
                    return
                if sock is client:
                    server.sendall(data)
                    continue
                bufs[server] += data
                while len(bufs[server]) >= 4:
                    n = struct.unpack(">I", bufs[server][:4])[0]
                    if len(bufs[server]) < n:
                        break
                    msg, bufs[server] = bufs[server][:n], bufs[server][n:]
                    hdr = struct.unpack(">IIiiIi", msg[4:28])
                    if hdr[2] == PROC_GET_XML_DESC and hdr[3] == 1 and hdr[5] == 0:
                        body = xdr_bytes(HOSTILE_XML.encode())
                        msg = struct.pack(">I", 28 + len(body)) + msg[4:28] + body
                    client.sendall(msg)

    def stop(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)


def hostile_server(root, rw):
    virsh = os.environ.get("OUR_VIRSH")
    if not virsh or not os.access(virsh, os.X_OK):
        check("our virsh against a hostile server (OUR_VIRSH is not set)", False)
        return
    proxy = HostileProxy(os.path.join(root, "hostile-sock"), rw)
    try:
        t0 = time.monotonic()
        r = subprocess.run([virsh, "-c", uri("/default", proxy.path), "domblklist", "test"],
                           capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, HOME=root))
        took = time.monotonic() - t0
        out = (r.stdout + r.stderr).strip()
        check("our virsh refuses a server's XML with a DTD (entity amplification in an "
              "attribute it reads)",
              r.returncode == 1 and "Failed to parse domain XML" in out and took < 10,
              "exit %d in %.2f s: %s" % (r.returncode, took, out[:200]))
    except subprocess.TimeoutExpired:
        check("our virsh refuses a server's XML with a DTD", False, "still running after 60 s")
    finally:
        proxy.stop()


# ---- guest operations' files: save images and dumps as the client ----
def as_user(uid, fn):
    """Runs fn() in a child as uid (no groups); returns what it returns (a
    string), bounded to 15 s."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.write(w, str(fn()).encode())
        except Exception as e:  # reported to the parent as the answer
            os.write(w, ("client error: %r" % e).encode())
        finally:
            os._exit(0)
    os.close(w)
    ready = select.select([r], [], [], 15)[0]
    text = os.read(r, 65536).decode() if ready else "TIMEOUT"
    os.close(r)
    if not ready:
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return text


def guest_files(name, rw, f):
    """A read-write client that is not root saves, restores and dumps with
    its own permissions: it cannot write into or read from root's files,
    nor have a FIFO opened."""
    secret_dir = os.path.join(f["dir"], "root-only")
    os.makedirs(secret_dir, exist_ok=True)
    os.chmod(secret_dir, 0o700)
    let_anyone_reach(rw)

    def attempt(what):
        def run():
            c = libvirt.open("test+unix:///default?socket=" + rw)
            d = c.lookupByName("test")
            try:
                if what == "save":
                    d.save(os.path.join(secret_dir, "img"))
                elif what == "dump":
                    d.coreDump(os.path.join(secret_dir, "core"), 0)
                elif what == "restore":
                    c.restore(f["secret-node"])
                elif what == "fifo":
                    c.restore(f["fifo"])
                return "ok"
            except libvirt.libvirtError as e:
                return e.get_error_message()
            finally:
                c.close()
        return as_user(65534, run)

    got = attempt("save")
    check("%s: a save as uid 65534 into root's directory is refused" % name,
          "Permission denied" in got and not os.path.exists(os.path.join(secret_dir, "img")),
          got)
    got = attempt("dump")
    check("%s: a core dump as uid 65534 into root's directory is refused" % name,
          "Permission denied" in got and not os.path.exists(os.path.join(secret_dir, "core")),
          got)
    got = attempt("restore")
    check("%s: a restore as uid 65534 of root's 0600 file is refused" % name,
          "Permission denied" in got, got)
    got = attempt("fifo")
    check("%s: a restore of a FIFO is refused at once" % name,
          "is not a regular file" in got, got)


def main():
    for var in ("REAL_SOCK", "REAL_SOCK_RO", "OURS_SOCK", "OURS_SOCK_RO", "TEST_DATA"):
        if not os.environ.get(var):
            print("SKIP: %s not set (run through with-daemons.sh)" % var)
            return 77
    if os.getuid() != 0:
        print("SKIP: the peer-permission attacks need root (to act as uid 65534)")
        return 77
    libvirt.registerErrorHandler(lambda *a: None, None)
    root = tempfile.mkdtemp(prefix="lvatk.")
    os.chmod(root, 0o755)
    listen = None
    try:
        f = make_files(root)
        listen = Listen(root)
        real_rw, real_ro = os.environ["REAL_SOCK"], os.environ["REAL_SOCK_RO"]
        targets = [("activated", os.environ["OURS_SOCK"], os.environ["OURS_SOCK_RO"]),
                   ("--listen", listen.rw, listen.ro)]
        for sock in (targets[0][2], listen.ro, real_ro):
            let_anyone_reach(sock)
        real_reads_as_root(real_ro, f)
        print("info real libvirtd 9.0 expands AMPLIFY's entity without limit (it grew to "
              "24 GiB in the report): not run against it")
        for name, rw, ro in targets:
            dev_zero(name, ro, real_ro)
            fifo(name, ro, rw, f["fifo"])
            node_files(name, ro, f, real_ro)
            entities(name, rw, ro, f)
            connect_ro(name, rw, real_rw)
            read_only_reads(name, ro, real_ro)
            input_limits(name, rw, real_rw)
            events_and_close(name, rw, real_rw)
            streams(name, rw, real_rw)
            guest_files(name, rw, f)
        hostile_server(root, targets[0][1])
    finally:
        if listen:
            listen.stop()
        shutil.rmtree(root, ignore_errors=True)
    good = sum(results)
    print("attacks: %d/%d as expected" % (good, len(results)))
    return 0 if good == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
