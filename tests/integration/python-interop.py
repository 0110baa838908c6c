#!/usr/bin/python3
"""python3-libvirt against our libvirtd, compared with real libvirtd 9.0.

Run through with-daemons.sh, which sets REAL_SOCK and OURS_SOCK:
  LIBVIRTD=build/src/libvirtd tests/integration/with-daemons.sh \
      /usr/bin/python3 tests/integration/python-interop.py

Checks: open, getVersion, lookupByName('test'), info() (cpu time aside),
close; and the lifecycle events one connection sees for its own define,
start, suspend, resume, destroy, undefine (and reboot events), which must
be the same list from ours as from real.
"""

import os
import signal
import sys
import threading
import time

import libvirt

DATA = os.environ.get("TEST_DATA") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "data")

failures = []


def check(name, expected, got):
    if expected == got:
        print("ok   %s: %r" % (name, got))
    else:
        print("FAIL %s: expected %r, got %r" % (name, expected, got))
        failures.append(name)


def uri(sock):
    return "test+unix:///default?socket=" + sock


def libvirt_error(e):
    return (e.get_error_code(), e.get_error_domain(), e.get_error_message())


def basics(sock):
    """What a simple client sees; cpu time (info()[4]) is left out."""
    out = {}
    conn = libvirt.open(uri(sock))
    out["getVersion"] = conn.getVersion()
    out["getType"] = conn.getType()
    out["getHostname"] = conn.getHostname()
    out["getFreeMemory"] = conn.getFreeMemory()
    out["listDomainsID"] = conn.listDomainsID()
    out["listDefinedDomains"] = conn.listDefinedDomains()
    dom = conn.lookupByName("test")
    out["name"] = dom.name()
    out["UUIDString"] = dom.UUIDString()
    out["ID"] = dom.ID()
    info = dom.info()
    out["info"] = info[:4]
    out["info_len"] = len(info)
    out["state"] = dom.state()
    out["isActive"] = dom.isActive()
    out["isPersistent"] = dom.isPersistent()
    out["autostart"] = dom.autostart()
    out["maxMemory"] = dom.maxMemory()
    out["OSType"] = dom.OSType()
    try:
        conn.lookupByName("nosuch")
        out["lookup_missing"] = None
    except libvirt.libvirtError as e:
        out["lookup_missing"] = libvirt_error(e)
    out["close"] = conn.close()
    return out


def read_xml(name):
    with open(os.path.join(DATA, name)) as f:
        return f.read()


def wait_for(cond, seconds=5.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def events(sock, legacy=False):
    """Lifecycle (and reboot) events caused by this connection's own calls."""
    got = []
    lock = threading.Lock()

    def on_lifecycle(conn, dom, event, detail, opaque):
        with lock:
            got.append(("lifecycle", dom.name(), event, detail))

    def on_reboot(conn, dom, opaque):
        with lock:
            got.append(("reboot", dom.name()))

    conn = libvirt.open(uri(sock))
    if legacy:
        conn.domainEventRegister(on_lifecycle, None)
        ids = []
    else:
        ids = [
            conn.domainEventRegisterAny(
                None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_lifecycle, None),
            conn.domainEventRegisterAny(
                None, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT, on_reboot, None),
        ]
    dom = conn.defineXML(read_xml("domain-web.xml"))
    dom.create()
    dom.suspend()
    dom.resume()
    dom.reboot()
    dom.destroy()
    dom.undefine()
    tdom = conn.createXML(read_xml("domain-transient.xml"))
    tdom.destroy()
    test = conn.lookupByName("test")
    test.shutdown()
    test.create()
    # Events arrive asynchronously; the last one we cause is test's start.
    expected_last = ("lifecycle", "test", libvirt.VIR_DOMAIN_EVENT_STARTED,
                     libvirt.VIR_DOMAIN_EVENT_STARTED_BOOTED)
    wait_for(lambda: expected_last in got)
    time.sleep(0.3)  # anything extra would show up now
    if legacy:
        conn.domainEventDeregister(on_lifecycle)
    else:
        for i in ids:
            conn.domainEventDeregisterAny(i)
    conn.close()
    with lock:
        return list(got)


def main():
    real = os.environ["REAL_SOCK"]
    ours = os.environ["OURS_SOCK"]

    # A daemon that never answers must fail the test, not hang it.
    signal.alarm(120)
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    libvirt.virEventRegisterDefaultImpl()

    stop = threading.Event()

    def run_loop():
        while not stop.is_set():
            libvirt.virEventRunDefaultImpl()

    loop = threading.Thread(target=run_loop, daemon=True)
    loop.start()

    try:
        want = basics(real)
        got = basics(ours)
        for key in want:
            check("basics." + key, want[key], got.get(key))

        for legacy in (False, True):
            label = "domainEventRegister" if legacy else "domainEventRegisterAny"
            want = events(real, legacy)
            if not want:
                print("FAIL %s: real libvirtd sent no events" % label)
                failures.append(label)
            try:
                got = events(ours, legacy)
            except libvirt.libvirtError as e:
                got = "libvirtError %r" % (libvirt_error(e),)
            check("events." + label, want, got)
    except libvirt.libvirtError as e:
        print("FAIL unexpected libvirt error: %r" % (libvirt_error(e),))
        failures.append("libvirtError")
    finally:
        stop.set()

    if failures:
        print("python-interop: %d check(s) failed: %s" % (len(failures), " ".join(failures)))
        return 1
    print("python-interop: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
