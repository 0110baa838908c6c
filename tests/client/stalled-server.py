#!/usr/bin/python3
"""A daemon that stops reading, against our client: a small server on a
unix socket that answers the handshake (AUTH_LIST, CONNECT_OPEN, the
feature probes, the close callback) as libvirtd does, then, at the first
other call, stops reading for good while keeping the connection open. The
client is our virsh (our libvirt.so) with keepalive -k 1 -K 2, defining a
3 MiB domain: its request fills the socket, and the write must fail within
keepalive's bound (interval x (count + 1) = 3 s) with keepalive's words,
instead of waiting for ever. Real virsh 9.0, when installed, is run the
same way, and must say the same.

Usage: OUR_VIRSH=build/client/virsh/virsh /usr/bin/python3 stalled-server.py
"""

import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

PROC_AUTH_LIST, PROC_SUPPORTS_FEATURE, PROC_OPEN = 66, 60, 1
PROC_REGISTER_CLOSE_CALLBACK, PROC_CLOSE = 360, 2
PROG, KEEPALIVE_PROG = 0x20008086, 0x6b656570
BOUND_S = 3  # -k 1 -K 2


def read_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def reply(conn, hdr, body=b""):
    prog, vers, proc, _, serial, _ = hdr
    out = struct.pack(">IIiiIi", prog, vers, proc, 1, serial, 0) + body
    conn.sendall(struct.pack(">I", 4 + len(out)) + out)


def reply_error(conn, hdr, msg):
    prog, vers, proc, _, serial, _ = hdr
    pad = b"\0" * ((4 - len(msg) % 4) % 4)
    body = struct.pack(">iiII", 1, 7, 1, len(msg)) + msg + pad + struct.pack(
        ">iIIIIii", 2, 0, 0, 0, 0, 0, 0)  # code, domain, message, level, dom..int2
    out = struct.pack(">IIiiIi", prog, vers, proc, 1, serial, 1) + body
    conn.sendall(struct.pack(">I", 4 + len(out)) + out)


def serve(conn, stalled, log):
    """Answers small calls; at the first large one, reads nothing more."""
    while True:
        word = read_exact(conn, 4)
        if word is None:
            return
        if struct.unpack(">I", word)[0] > 65536:
            stalled.set()
            time.sleep(60)  # holds the connection, reads nothing
            return
        rest = read_exact(conn, struct.unpack(">I", word)[0] - 4)
        if rest is None:
            return
        hdr = struct.unpack(">IIiiIi", rest[:24])
        if hdr[0] == KEEPALIVE_PROG:
            if hdr[2] == 1:  # ping: pong
                out = struct.pack(">IIiiIi", KEEPALIVE_PROG, 1, 2, 2, 0, 0)
                conn.sendall(struct.pack(">I", 4 + len(out)) + out)
            continue
        proc = hdr[2]
        log.append(proc)
        if proc == PROC_AUTH_LIST:
            reply(conn, hdr, struct.pack(">II", 1, 0))  # [REMOTE_AUTH_NONE]
        elif proc == PROC_SUPPORTS_FEATURE:
            reply(conn, hdr, struct.pack(">i", 1))
        elif proc in (PROC_OPEN, PROC_REGISTER_CLOSE_CALLBACK, PROC_CLOSE):
            reply(conn, hdr)
        else:  # not a call this test expects: an error reply
            msg = b"unexpected procedure %d" % proc
            reply_error(conn, hdr, msg)


def run(virsh, sock_path, xml_path):
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sock_path)
    srv.listen(1)
    stalled = threading.Event()
    log = []

    def accept():
        conn, _ = srv.accept()
        serve(conn, stalled, log)
        conn.close()

    threading.Thread(target=accept, daemon=True).start()
    uri = "test+unix:///default?socket=%s" % sock_path
    t0 = time.monotonic()
    try:
        # meson points LD_LIBRARY_PATH at our libvirt.so; real virsh needs
        # its own, ours finds ours by its rpath.
        env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
        p = subprocess.run([virsh, "-k", "1", "-K", "2", "-c", uri, "define", xml_path],
                           capture_output=True, text=True, timeout=20, env=env)
        out, rc = (p.stdout + p.stderr).strip(), p.returncode
    except subprocess.TimeoutExpired:
        out, rc = "(still writing after 20 s)", None
    took = time.monotonic() - t0
    srv.close()
    os.unlink(sock_path)
    return out, rc, took, stalled.is_set(), log


def main():
    tmp = tempfile.mkdtemp(prefix="lvstall.")
    xml = os.path.join(tmp, "big.xml")
    with open(xml, "w") as f:
        f.write("<domain type='test'><name>big</name><memory>1024</memory><description>" +
                "x" * (3 << 20) + "</description><os><type>hvm</type></os></domain>\n")
    failures = 0
    virshes = [("ours", os.environ["OUR_VIRSH"])]
    if shutil.which("virsh"):
        virshes.append(("real", shutil.which("virsh")))
    said = {}
    for name, virsh in virshes:
        out, rc, took, stalled, log = run(virsh, os.path.join(tmp, "sock-" + name), xml)
        print("%s virsh: calls %s, %s; exit %s after %.1f s: %s" % (
            name, log, "stalled on the large one" if stalled else "no large call", rc, took,
            out.replace("\n", " | ")))
        said[name] = out.replace("sock-" + name, "sock")
        if name != "ours":
            continue
        ok = stalled and rc is not None and rc != 0 and took < BOUND_S + 3 and \
            "keepalive" in out
        if not ok:
            failures += 1
            print("FAIL: expected our virsh to fail within %d s of a daemon that stopped "
                  "reading, saying keepalive" % (BOUND_S + 3))
    if "real" in said and said["real"] != said["ours"]:
        failures += 1
        print("FAIL: real virsh and ours say different things")
    shutil.rmtree(tmp)
    print("stalled-server: %s" % ("ok" if not failures else "%d failure(s)" % failures))
    sys.exit(1 if failures else 0)


main()
