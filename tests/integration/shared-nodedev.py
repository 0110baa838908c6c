#!/usr/bin/python3
"""Node devices and host interfaces of test:///default, shared by two
connections at once: ours against real libvirtd 9.0.

Run through with-daemons.sh (REAL_SOCK, OURS_SOCK, TEST_DATA):
  LIBVIRTD=build/src/libvirtd tests/integration/with-daemons.sh \
      /usr/bin/python3 tests/integration/shared-nodedev.py

On each daemon, with connections A and B open at once (and real virsh's
`nodedev-event --event lifecycle --loop` on a third): the vHBA A creates is listed and
dumped on B, B's node device callbacks (lifecycle and update) and virsh
hear its creation and A's destroy (and a callback for scsi_host11 alone
only that device's destroy); an interface A defines and starts shows
on B, a change transaction A begins is B's too (B cannot begin another, B's
rollback ends it). python3-libvirt's listAllDevices(), listAllInterfaces(),
nodeDeviceLookupByName() and interfaceLookupByName() give the same outcome.
A node file's connection hears the events of its own changes. Each
daemon's transcript must be the same.
"""

import os
import subprocess
import sys
import threading
import time

import libvirt

DATA = os.environ["TEST_DATA"]
VHBA = open(os.path.join(DATA, "nodedev-vhba.xml")).read()
ETH2 = open(os.path.join(DATA, "iface-eth2.xml")).read()


def uri(sock):
    return "test+unix:///default?socket=%s" % sock


def err(f):
    """f()'s result, or its libvirt error as (code, message)."""
    try:
        return f()
    except libvirt.libvirtError as e:
        return ("error", e.get_error_code(), e.get_error_message())


def wait_for(pred, secs=10):
    end = time.time() + secs
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def scenario(sock):
    out = []
    a = libvirt.open(uri(sock))
    b = libvirt.open(uri(sock))
    events = []
    lock = threading.Lock()

    def lifecycle(conn, dev, event, detail, opaque):
        with lock:
            events.append(("lifecycle", dev.name(), event, detail))

    def update(conn, dev, opaque):
        with lock:
            events.append(("update", dev.name()))

    filtered = []

    def lifecycle_filtered(conn, dev, event, detail, opaque):
        with lock:
            filtered.append((dev.name(), event, detail))

    cbs = [b.nodeDeviceEventRegisterAny(None, libvirt.VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE,
                                        lifecycle, None),
           b.nodeDeviceEventRegisterAny(b.nodeDeviceLookupByName("scsi_host11"),
                                        libvirt.VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE,
                                        lifecycle_filtered, None),
           b.nodeDeviceEventRegisterAny(None, libvirt.VIR_NODE_DEVICE_EVENT_ID_UPDATE,
                                        update, None)]
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)
    watcher = subprocess.Popen(["virsh", "-c", uri(sock), "nodedev-event --event lifecycle --loop --timeout 8"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=env)
    # Time for virsh to connect and register (generous: a loaded machine).
    time.sleep(2.5)

    # python3-libvirt's calls on B, before any change.
    out.append(("listAllDevices", sorted(d.name() for d in b.listAllDevices(0))))
    out.append(("listAllDevices fc_host",
                sorted(d.name() for d in
                       b.listAllDevices(libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_FC_HOST))))
    out.append(("listAllInterfaces", sorted(i.name() for i in b.listAllInterfaces(0))))
    out.append(("nodeDeviceLookupByName", err(lambda: b.nodeDeviceLookupByName("scsi_host1").parent())))
    out.append(("nodeDeviceLookupByName nope", err(lambda: b.nodeDeviceLookupByName("nope"))))
    out.append(("interfaceLookupByName", err(lambda: b.interfaceLookupByName("eth1").MACString())))
    out.append(("interfaceLookupByName nope", err(lambda: b.interfaceLookupByName("nope"))))

    # A creates a vHBA: B sees it and hears it.
    dev = a.nodeDeviceCreateXML(VHBA, 0)
    out.append(("created", dev.name()))
    out.append(("B lists", sorted(b.listDevices(None, 0))))
    out.append(("B dumpxml", b.nodeDeviceLookupByName("scsi_host12").XMLDesc(0)))
    wait_for(lambda: len(events) >= 1)
    dev.destroy()
    out.append(("B lists after destroy", sorted(b.listDevices(None, 0))))
    wait_for(lambda: len(events) >= 2)
    # A vHBA real's test driver does destroy: B's callback for it alone
    # hears that and nothing of scsi_host12.
    a.nodeDeviceLookupByName("scsi_host11").destroy()
    wait_for(lambda: len(filtered) >= 1)
    time.sleep(0.5)
    with lock:
        out.append(("B heard", list(events)))
        out.append(("B heard for scsi_host11", list(filtered)))
    out.append(("B lists after scsi_host11", sorted(b.listDevices(None, 0))))

    # Interfaces: A defines and starts, B sees.
    a.interfaceDefineXML(ETH2, 0).create(0)
    out.append(("B active", sorted(b.listInterfaces())))
    out.append(("B eth2 xml", b.interfaceLookupByName("eth2").XMLDesc(0)))
    # A transaction A begins is B's too.
    a.changeBegin(0)
    out.append(("B begins", err(lambda: b.changeBegin(0))))
    a.interfaceLookupByName("eth2").undefine()
    out.append(("B defined after undefine", sorted(i.name() for i in b.listAllInterfaces(0))))
    out.append(("B rolls back", err(lambda: b.changeRollback(0))))
    out.append(("A after rollback", sorted((i.name(), i.isActive()) for i in a.listAllInterfaces(0))))
    out.append(("A commits", err(lambda: a.changeCommit(0))))

    for cb in cbs:
        b.nodeDeviceEventDeregisterAny(cb)
    a.close()
    b.close()
    text, _ = watcher.communicate(timeout=30)
    out.append(("virsh nodedev-event", text))
    return out


def node_file(sock):
    """A node file's connection hears its own node device events too."""
    c = libvirt.open("test+unix://%s/node-interop.xml?socket=%s" % (DATA, sock))
    heard = []
    cb = c.nodeDeviceEventRegisterAny(None, libvirt.VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE,
                                      lambda conn, d, e, det, o: heard.append((d.name(), e, det)),
                                      None)
    c.nodeDeviceLookupByName("node-hba").destroy()
    wait_for(lambda: heard)
    time.sleep(0.3)
    out = [("node file heard", list(heard)), ("node file lists", sorted(c.listDevices(None, 0)))]
    c.nodeDeviceEventDeregisterAny(cb)
    c.close()
    return out


def run_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


def main():
    libvirt.virEventRegisterDefaultImpl()
    libvirt.registerErrorHandler(lambda c, e: None, None)
    threading.Thread(target=run_loop, daemon=True).start()
    real = scenario(os.environ["REAL_SOCK"]) + node_file(os.environ["REAL_SOCK"])
    # Every connection to real's test:///default has closed: the next
    # starts from the default, as ours does.
    ours = scenario(os.environ["OURS_SOCK"]) + node_file(os.environ["OURS_SOCK"])
    failures = 0
    for r, o in zip(real, ours):
        if r != o:
            failures += 1
            print("DIFFERENT %s\n  real: %r\n  ours: %r" % (r[0], r[1], o[1]))
        else:
            print("same %s: %r" % (r[0], r[1]))
    if len(real) != len(ours):
        failures += 1
        print("transcripts of different lengths")
    print("shared-nodedev: %d/%d identical" % (len(real) - failures, len(real)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
