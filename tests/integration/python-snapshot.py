#!/usr/bin/python3
"""python3-libvirt's snapshot and checkpoint calls against our libvirtd,
compared with real libvirtd 9.0 (run through with-daemons.sh, which sets
REAL_SOCK and OURS_SOCK).

The same script of calls runs on both; what each call returned (names
sorted where libvirt's order is its hash table's, creation times masked)
or the error it raised (code, domain, message) must be the same, and so
must the lifecycle events a second connection sees while snapshots are
reverted and taken with VIR_DOMAIN_SNAPSHOT_CREATE_HALT.
"""

import os
import re
import signal
import sys
import threading
import time

import libvirt

failures = []


def check(name, expected, got):
    if expected == got:
        print("ok   %s" % name)
    else:
        print("FAIL %s:\n  expected %r\n  got      %r" % (name, expected, got))
        failures.append(name)


def uri(sock):
    return "test+unix:///default?socket=" + sock


def mask(text):
    """Creation times (and the names made of them) are random."""
    return re.sub(r"\b1[0-9]{9}\b", "<TIME>", text)


def attempt(out, key, fn):
    try:
        v = fn()
    except libvirt.libvirtError as e:
        v = ("error", e.get_error_code(), e.get_error_domain(), mask(e.get_error_message()))
    if isinstance(v, str):
        v = mask(v)
    out.append((key, v))
    return v


def names(snaps):
    return sorted(mask(s.getName()) for s in snaps)


def calls(sock):
    out = []
    conn = libvirt.open(uri(sock))
    dom = conn.lookupByName("test")
    a = lambda k, f: attempt(out, k, f)
    a("hasCurrent0", lambda: dom.hasCurrentSnapshot())
    a("current0", lambda: dom.snapshotCurrent().getName())
    a("num0", lambda: dom.snapshotNum())
    s1 = dom.snapshotCreateXML("<domainsnapshot><name>s1</name>"
                               "<description>one</description></domainsnapshot>")
    s2 = dom.snapshotCreateXML("<domainsnapshot><name>s2</name></domainsnapshot>")
    dom.snapshotCreateXML("<domainsnapshot><name>s3</name></domainsnapshot>")
    # A second connection open at the same time shares test:///default.
    other = libvirt.open(uri(sock))
    a("shared.list", lambda: sorted(other.lookupByName("test").snapshotListNames()))
    a("shared.current", lambda: other.lookupByName("test").snapshotCurrent().getName())
    other.close()
    a("getName", lambda: s1.getName())
    a("getDomain", lambda: s1.getDomain().name())
    a("getConnect", lambda: s1.getConnect().getType())
    a("listAllSnapshots", lambda: names(dom.listAllSnapshots()))
    a("listAllSnapshots.roots",
      lambda: names(dom.listAllSnapshots(libvirt.VIR_DOMAIN_SNAPSHOT_LIST_ROOTS)))
    a("listAllSnapshots.leaves",
      lambda: names(dom.listAllSnapshots(libvirt.VIR_DOMAIN_SNAPSHOT_LIST_LEAVES)))
    a("listAllSnapshots.topological", lambda: [s.getName() for s in dom.listAllSnapshots(
        libvirt.VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL)])
    a("snapshotListNames", lambda: sorted(dom.snapshotListNames()))
    a("snapshotNum", lambda: dom.snapshotNum())
    a("snapshotNum.inactive", lambda: dom.snapshotNum(libvirt.VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE))
    a("snapshotCurrent", lambda: dom.snapshotCurrent().getName())
    a("hasCurrentSnapshot", lambda: dom.hasCurrentSnapshot())
    a("lookup", lambda: dom.snapshotLookupByName("s2").getName())
    a("lookup.missing", lambda: dom.snapshotLookupByName("nosuch").getName())
    a("getParent", lambda: s2.getParent().getName())
    a("getParent.root", lambda: s1.getParent().getName())
    a("isCurrent", lambda: (s1.isCurrent(), s2.isCurrent()))
    a("hasMetadata", lambda: s1.hasMetadata())
    a("numChildren", lambda: (s1.numChildren(),
                              s1.numChildren(libvirt.VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS)))
    a("listChildrenNames", lambda: sorted(s1.listChildrenNames(
        libvirt.VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS)))
    a("listAllChildren", lambda: names(s1.listAllChildren()))
    a("getXMLDesc", lambda: s2.getXMLDesc())
    a("flags.bad", lambda: dom.snapshotNum(1 << 20))
    a("create.dup", lambda: dom.snapshotCreateXML(
        "<domainsnapshot><name>s1</name></domainsnapshot>").getName())
    a("create.notxml", lambda: dom.snapshotCreateXML("<domainsnapshot>").getName())
    a("revert", lambda: dom.revertToSnapshot(s1))
    a("afterRevert", lambda: (dom.state(), dom.ID() > 0, dom.snapshotCurrent().getName()))
    a("delete.children", lambda: s2.delete(libvirt.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN))
    a("afterDelete", lambda: names(dom.listAllSnapshots()))
    a("delete.metadata", lambda: s1.delete(libvirt.VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY))
    a("delete", lambda: s1.delete())
    a("checkpoint.create", lambda: dom.checkpointCreateXML(
        "<domaincheckpoint><name>c1</name></domaincheckpoint>").getName())
    a("checkpoint.create2", lambda: dom.checkpointCreateXML(
        "<domaincheckpoint><name>c2</name></domaincheckpoint>").getName())
    a("listAllCheckpoints", lambda: names(dom.listAllCheckpoints()))
    a("checkpoint.lookup", lambda: dom.checkpointLookupByName("c2").getName())
    a("checkpoint.parent", lambda: dom.checkpointLookupByName("c2").getParent().getName())
    a("checkpoint.parent.root", lambda: dom.checkpointLookupByName("c1").getParent().getName())
    a("checkpoint.children", lambda: names(dom.checkpointLookupByName("c1").listAllChildren()))
    a("checkpoint.xml", lambda: dom.checkpointLookupByName("c2").getXMLDesc(
        libvirt.VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN))
    a("snapshot.whileCheckpoint", lambda: dom.snapshotCreateXML("<domainsnapshot/>").getName())
    a("checkpoint.delete", lambda: dom.checkpointLookupByName("c1").delete(
        libvirt.VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN))
    a("checkpoint.lookup.missing", lambda: dom.checkpointLookupByName("c1").getName())
    conn.close()
    return out


def events(sock):
    got = []
    lock = threading.Lock()

    def on_lifecycle(conn, dom, event, detail, opaque):
        with lock:
            got.append((dom.name(), event, detail))

    watcher = libvirt.open(uri(sock))
    cb = watcher.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                        on_lifecycle, None)
    conn = libvirt.open(uri(sock))
    dom = conn.lookupByName("test")
    run = dom.snapshotCreateXML("<domainsnapshot><name>run</name></domainsnapshot>")
    dom.suspend()
    paused = dom.snapshotCreateXML("<domainsnapshot><name>paused</name></domainsnapshot>")
    dom.revertToSnapshot(run)
    dom.revertToSnapshot(paused)
    dom.revertToSnapshot(run, libvirt.VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED)
    dom.snapshotCreateXML("<domainsnapshot><name>halt</name></domainsnapshot>",
                          libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_HALT)
    off = dom.snapshotCreateXML("<domainsnapshot><name>off</name></domainsnapshot>")
    dom.revertToSnapshot(run)
    dom.revertToSnapshot(off, libvirt.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING)
    dom.create()
    last = ("test", libvirt.VIR_DOMAIN_EVENT_STARTED, libvirt.VIR_DOMAIN_EVENT_STARTED_BOOTED)
    deadline = time.time() + 10
    while last not in got and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    conn.close()
    watcher.domainEventDeregisterAny(cb)
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
    try:
        want, got = calls(real), calls(ours)
        for (key, w), (_, g) in zip(want, got):
            check("calls." + key, w, g)
        check("calls.count", len(want), len(got))
        want = events(real)
        if not want:
            print("FAIL events: real libvirtd sent none")
            failures.append("events")
        check("events", want, events(ours))
    except libvirt.libvirtError as e:
        print("FAIL unexpected libvirt error: %r" % (e.get_error_message(),))
        failures.append("libvirtError")
    finally:
        stop.set()
    if failures:
        print("python-snapshot: %d check(s) failed: %s" % (len(failures), " ".join(failures)))
        return 1
    print("python-snapshot: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
