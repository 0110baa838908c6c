#!/usr/bin/python3
"""libvirt streams through python3-libvirt: ours against real libvirtd 9.0.

Run through with-daemons.sh, which sets REAL_SOCK and OURS_SOCK:
  LIBVIRTD=build/src/libvirtd tests/integration/with-daemons.sh \
      /usr/bin/python3 tests/integration/streams.py

The test driver's screenshot is its one stream: the daemon sends the
image libvirt0 installs over a stream after the call's reply. On each
daemon this reads it whole (blocking, and non-blocking from the event
loop's callbacks), several at once, aborts one half read and carries on
on the same connection, frees one unread, ends one twice, sends data into
one, and makes the calls that open a stream on a read-only connection and
where real's test driver does not serve them (volume upload and download).
Every outcome (the bytes, a value, or libvirt's error code, domain and
message) must be the same from ours as from real, and the bytes those of
the file.
"""

import hashlib
import os
import threading
import time

import libvirt

IMAGE = "/usr/share/libvirt/test-screenshot.png"
failures = []


def check(name, expected, got):
    if expected == got:
        print("ok   %s: %r" % (name, got if len(repr(got)) < 200 else repr(got)[:200]))
    else:
        print("FAIL %s: expected %r, got %r" % (name, expected, got))
        failures.append(name)


def outcome(fn):
    try:
        return ("ok", fn())
    except libvirt.libvirtError as e:
        return ("error", e.get_error_code(), e.get_error_domain(), e.get_error_message())


def digest(data):
    return (len(data), hashlib.sha256(data).hexdigest())


def read_all(st):
    out = b""
    while True:
        got = st.recv(65536)
        if isinstance(got, int):
            raise RuntimeError("recv returned %d" % got)
        if not got:
            return out
        out += got


def screenshot(conn, flags=0):
    st = conn.newStream(flags)
    mime = conn.lookupByName("test").screenshot(st, 0)
    return st, mime


loop_started = False


def start_event_loop():
    global loop_started
    if loop_started:
        return
    loop_started = True

    def run():
        while True:
            libvirt.virEventRunDefaultImpl()

    threading.Thread(target=run, daemon=True).start()


def nonblocking_read(conn):
    """Reads a screenshot from the event loop's callbacks, as virsh's
    console reads its stream."""
    st, mime = screenshot(conn, libvirt.VIR_STREAM_NONBLOCK)
    done = threading.Event()
    chunks = []
    seen = {"would_block": 0}

    def on_event(stream, events, _):
        if events & (libvirt.VIR_STREAM_EVENT_ERROR | libvirt.VIR_STREAM_EVENT_HANGUP) and \
                not events & libvirt.VIR_STREAM_EVENT_READABLE:
            done.set()
            return
        while True:
            got = stream.recv(65536)
            if got == -2:
                seen["would_block"] += 1
                return
            if not got:
                stream.eventRemoveCallback()
                done.set()
                return
            chunks.append(got)

    st.eventAddCallback(libvirt.VIR_STREAM_EVENT_READABLE, on_event, None)
    finished = done.wait(20)
    data = b"".join(chunks)
    st.finish()
    return mime, finished, data


def run(sock, sock_ro):
    res = {}
    uri = "test+unix:///default?socket=" + sock
    conn = libvirt.open(uri)

    # One whole, blocking.
    st, mime = screenshot(conn)
    data = read_all(st)
    st.finish()
    res["screenshot"] = (mime, digest(data))

    # Inactive domains have one too (real's test driver does not check).
    conn.lookupByName("test").destroy()
    st, mime = screenshot(conn)
    res["screenshot-inactive"] = (mime, digest(read_all(st)), outcome(st.finish))
    conn.lookupByName("test").create()

    # Three at once, read in turns.
    streams = [screenshot(conn)[0] for _ in range(3)]
    parts = [b"", b"", b""]
    open_ = [True, True, True]
    while any(open_):
        for i, s in enumerate(streams):
            if open_[i]:
                got = s.recv(10000)
                if not got:
                    open_[i] = False
                else:
                    parts[i] += got
    res["three-at-once"] = [digest(p) for p in parts]
    res["three-finish"] = [outcome(s.finish) for s in streams]

    # Aborted half way; the connection carries on.
    st, _ = screenshot(conn)
    first = st.recv(1000)
    res["abort"] = (len(first), outcome(st.abort))
    res["after-abort"] = outcome(lambda: conn.lookupByName("test").info()[0])
    st, _ = screenshot(conn)
    res["after-abort-screenshot"] = digest(read_all(st))
    st.finish()

    # Freed unread; the connection carries on.
    st, _ = screenshot(conn)
    del st
    res["after-free"] = outcome(lambda: conn.getHostname() is not None)

    # Ended twice; read after the end.
    st, _ = screenshot(conn)
    read_all(st)
    res["finish-twice"] = (outcome(st.finish), outcome(st.finish))
    res["recv-after-finish"] = outcome(lambda: st.recv(10))

    # Aborted before reading anything, then finished.
    st, _ = screenshot(conn)
    res["abort-then-finish"] = (outcome(st.abort), outcome(st.finish))

    # Data sent into a stream that only reads.
    st, _ = screenshot(conn)
    res["send-into-download"] = outcome(lambda: st.send(b"hello"))
    time.sleep(0.2)
    res["send-into-download-recv"] = outcome(lambda: digest(read_all(st)))
    res["send-into-download-finish"] = outcome(st.finish)
    res["after-send"] = outcome(lambda: conn.lookupByName("test").info()[0])

    # Volume transfers: real's test driver serves neither.
    pool = conn.storagePoolLookupByName("default-pool")
    pool.createXML("<volume><name>v.img</name><capacity>1048576</capacity></volume>", 0)
    vol = pool.storageVolLookupByName("v.img")
    res["vol-download"] = outcome(lambda: vol.download(conn.newStream(0), 0, 0, 0))
    res["vol-upload"] = outcome(lambda: vol.upload(conn.newStream(0), 0, 0, 0))
    res["after-vol"] = outcome(lambda: conn.lookupByName("test").info()[0])

    # Non-blocking, from the event loop.
    mime, finished, data = nonblocking_read(conn)
    res["nonblocking"] = (mime, finished, digest(data))

    # Read-only connections may not open one.
    ro = libvirt.openReadOnly("test+unix:///default?socket=" + sock_ro)
    res["read-only"] = outcome(lambda: ro.lookupByName("test").screenshot(ro.newStream(0), 0))
    ro.close()

    res["still-alive"] = outcome(lambda: conn.lookupByName("test").info()[0])
    conn.close()
    return res


def main():
    libvirt.registerErrorHandler(lambda *a: None, None)
    libvirt.virEventRegisterDefaultImpl()
    start_event_loop()
    with open(IMAGE, "rb") as f:
        image = digest(f.read())
    real = run(os.environ["REAL_SOCK"], os.environ["REAL_SOCK_RO"])
    ours = run(os.environ["OURS_SOCK"], os.environ["OURS_SOCK_RO"])
    check("real's screenshot is the file", ("image/png", image), real["screenshot"])
    for key in real:
        check(key, real[key], ours.get(key))
    if failures:
        print("%d failed: %s" % (len(failures), ", ".join(failures)))
        return 1
    print("streams: %d of %d the same" % (len(real), len(real)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
