#!/usr/bin/python3
"""Guest operations through python3-libvirt: ours against real libvirtd 9.0.

Run through with-daemons.sh, which sets REAL_SOCK and OURS_SOCK:
  LIBVIRTD=build/src/libvirtd tests/integration/with-daemons.sh \
      /usr/bin/python3 tests/integration/guestops.py

Checks, on each daemon:
- the outcome (value, or libvirt error code, domain and message) of every
  guest-operation call python3-libvirt makes: time, hostname, file
  systems, keys, NMI, passwords, lifecycle actions, interface addresses,
  control and launch security info, metadata, save and restore, save
  images, managed save, core dumps, rename, and what real's test driver
  does not serve;
- the events a second connection to test:///default receives for another
  connection's save, restore, managed save and start from it, crash dump,
  rename and metadata changes (lifecycle and metadata-change callbacks),
  which must be the same list from ours as from real.
Save images and dumps are written to a directory of their own per daemon.
"""

import os
import signal
import tempfile
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


def read_xml(name):
    with open(os.path.join(DATA, name)) as f:
        return f.read()


def outcome(fn, *args):
    try:
        return ("ok", fn(*args))
    except libvirt.libvirtError as e:
        return ("error", e.get_error_code(), e.get_error_domain(), e.get_error_message())


def wait_for(cond, seconds=5.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def calls(sock, tmp):
    """Every call's outcome, in order, on one connection (paths made
    relative to tmp so both daemons' lists compare)."""
    out = []
    conn = libvirt.open(uri(sock))
    dom = conn.lookupByName("test")

    def rec(name, fn, *args):
        r = outcome(fn, *args)
        if r[0] == "error":
            msg = r[3].replace(tmp, "<TMP>")
            # A short save image: real's message ends with whatever errno
            # its worker thread last left.
            if "failed to read metadata length" in msg:
                msg = msg.rsplit(": ", 1)[0] + ": <ERRNO>"
            r = r[:3] + (msg,)
        out.append((name, r))

    rec("getTime", dom.getTime)
    rec("setTime", dom.setTime, {"seconds": 5000, "nseconds": 7})
    rec("getTime.set", dom.getTime)
    rec("setTime.sync", dom.setTime, None, libvirt.VIR_DOMAIN_TIME_SYNC)
    rec("setTime.flags", dom.setTime, {"seconds": 1}, 8)
    rec("controlInfo", dom.controlInfo)
    rec("hostname", dom.hostname)
    rec("hostname.flags", dom.hostname, 1)
    rec("fsInfo", dom.fsInfo)
    rec("fsFreeze", dom.fsFreeze)
    rec("fsFreeze.again", dom.fsFreeze)
    rec("fsThaw.boot", dom.fsThaw, ["/boot"])
    rec("fsThaw.bad", dom.fsThaw, ["/x"])
    rec("fsThaw", dom.fsThaw)
    rec("fsTrim", dom.fSTrim, None, 0)
    rec("fsTrim.bad", dom.fSTrim, "/x", 0)
    rec("sendKey", dom.sendKey, libvirt.VIR_KEYCODE_SET_LINUX, 10, [30, 31], 2, 0)
    rec("sendKey.flags", dom.sendKey, libvirt.VIR_KEYCODE_SET_LINUX, 10, [30], 1, 1)
    rec("injectNMI", dom.injectNMI)
    rec("setUserPassword", dom.setUserPassword, "root", "pw")
    rec("setLifecycleAction", dom.setLifecycleAction,
        libvirt.VIR_DOMAIN_LIFECYCLE_CRASH, libvirt.VIR_DOMAIN_LIFECYCLE_ACTION_PRESERVE)
    rec("setLifecycleAction.bad", dom.setLifecycleAction,
        libvirt.VIR_DOMAIN_LIFECYCLE_REBOOT,
        libvirt.VIR_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART)
    rec("interfaceAddresses", dom.interfaceAddresses,
        libvirt.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE)
    rec("interfaceAddresses.arp", dom.interfaceAddresses,
        libvirt.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP)
    rec("interfaceAddresses.bad", dom.interfaceAddresses, 7)
    rec("launchSecurityInfo", dom.launchSecurityInfo)
    rec("metadata.none", dom.metadata, libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, None)
    rec("setMetadata.desc", dom.setMetadata, libvirt.VIR_DOMAIN_METADATA_DESCRIPTION,
        "words", None, None)
    rec("metadata.desc", dom.metadata, libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, None)
    rec("setMetadata.title.newline", dom.setMetadata, libvirt.VIR_DOMAIN_METADATA_TITLE,
        "a\nb", None, None)
    rec("setMetadata.element", dom.setMetadata, libvirt.VIR_DOMAIN_METADATA_ELEMENT,
        "<k>v</k>", "p", "http://example.org/p")
    rec("metadata.element", dom.metadata, libvirt.VIR_DOMAIN_METADATA_ELEMENT,
        "http://example.org/p")
    rec("metadata.both", dom.metadata, libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, None,
        libvirt.VIR_DOMAIN_AFFECT_LIVE | libvirt.VIR_DOMAIN_AFFECT_CONFIG)
    rec("coreDump", dom.coreDump, tmp + "/core", 0)
    rec("coreDump.live", dom.coreDump, tmp + "/core", libvirt.VIR_DUMP_LIVE)
    rec("coreDumpWithFormat.kdump", dom.coreDumpWithFormat, tmp + "/core2",
        libvirt.VIR_DOMAIN_CORE_DUMP_FORMAT_KDUMP_ZLIB, 0)
    rec("coreDump.dir", dom.coreDump, tmp + "/nosuchdir/core", 0)
    rec("save", dom.save, tmp + "/img")
    rec("save.inactive", dom.save, tmp + "/img2")
    rec("hasManagedSaveImage", dom.hasManagedSaveImage)
    rec("saveImageGetXMLDesc.bad", conn.saveImageGetXMLDesc, tmp + "/core")
    rec("restore", conn.restore, tmp + "/img")
    rec("restore.again", conn.restore, tmp + "/img")
    rec("restoreFlags.xml", conn.restoreFlags, tmp + "/img", read_xml("domain-web.xml"), 0)
    rec("managedSave", dom.managedSave)
    rec("hasManagedSaveImage.yes", dom.hasManagedSaveImage)
    rec("undefine.managed", dom.undefine)
    rec("managedSaveGetXMLDesc", dom.managedSaveGetXMLDesc)
    rec("managedSaveRemove", dom.managedSaveRemove)
    rec("hasManagedSaveImage.removed", dom.hasManagedSaveImage)
    rec("rename", dom.rename, "renamed")
    rec("renamed.name", lambda: conn.lookupByName("renamed").name())
    rec("rename.back", lambda: conn.lookupByName("renamed").rename("test"))
    rec("guestInfo", lambda: conn.lookupByName("test").guestInfo())
    rec("jobInfo", lambda: conn.lookupByName("test").jobInfo())
    rec("abortJob", lambda: conn.lookupByName("test").abortJob())
    rec("pMWakeup", lambda: conn.lookupByName("test").pMWakeup())
    conn.close()
    return out


def events(sock, tmp):
    """What a second connection sees of a first one's guest operations."""
    got = []
    lock = threading.Lock()

    def on_lifecycle(conn, dom, event, detail, opaque):
        with lock:
            got.append(("lifecycle", dom.name(), event, detail))

    def on_metadata(conn, dom, mtype, nsuri, opaque):
        with lock:
            got.append(("metadata", dom.name(), mtype, nsuri))

    watcher = libvirt.open(uri(sock))
    ids = [
        watcher.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                       on_lifecycle, None),
        watcher.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
                                       on_metadata, None),
    ]
    conn = libvirt.open(uri(sock))
    dom = conn.lookupByName("test")
    dom.save(tmp + "/ev")
    conn.restore(tmp + "/ev")
    dom.managedSave()
    dom.create()
    dom.coreDump(tmp + "/evcore", libvirt.VIR_DUMP_CRASH)
    dom.rename("ev2")
    conn.lookupByName("ev2").rename("test")
    dom = conn.lookupByName("test")
    dom.create()
    dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_TITLE, "t", None, None)
    dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, "<a/>", "k", "http://example.org/e")
    dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, "d", None, None,
                    libvirt.VIR_DOMAIN_AFFECT_CONFIG)
    last = ("metadata", "test", libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, None)
    wait_for(lambda: last in got)
    time.sleep(0.3)  # anything extra would show up now
    conn.close()
    for i in ids:
        watcher.domainEventDeregisterAny(i)
    watcher.close()
    with lock:
        return list(got)


def main():
    real = os.environ["REAL_SOCK"]
    ours = os.environ["OURS_SOCK"]

    signal.alarm(120)
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    libvirt.virEventRegisterDefaultImpl()
    stop = threading.Event()

    def run_loop():
        while not stop.is_set():
            libvirt.virEventRunDefaultImpl()

    threading.Thread(target=run_loop, daemon=True).start()

    with tempfile.TemporaryDirectory() as rtmp, tempfile.TemporaryDirectory() as otmp:
        want = calls(real, rtmp)
        got = calls(ours, otmp)
        got_by = dict(got)
        for name, r in want:
            check("call." + name, r, got_by.get(name))
        want = events(real, rtmp)
        if not want:
            print("FAIL events: real libvirtd sent none")
            failures.append("events")
        try:
            got = events(ours, otmp)
        except libvirt.libvirtError as e:
            got = "libvirtError %r" % (e.get_error_message(),)
        check("events", want, got)
    stop.set()
    if failures:
        print("%d failure(s): %s" % (len(failures), " ".join(failures)))
        return 1
    print("guestops: all identical")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
