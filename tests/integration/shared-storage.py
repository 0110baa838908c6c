#!/usr/bin/python3
"""Storage pools and volumes through python3-libvirt: ours against real libvirtd 9.0.

Run through with-daemons.sh (REAL_SOCK, OURS_SOCK):
  LIBVIRTD=build/src/libvirtd tests/integration/with-daemons.sh \
      /usr/bin/python3 tests/integration/shared-storage.py

On each daemon, with two connections A and B to test:///default open at
once: what A defines, starts, fills with volumes and removes is what B
lists and looks up (listAllStoragePools, storagePoolLookupByName,
listAllVolumes, storageVolLookupByPath/Key, info, XMLDesc); B's pool
lifecycle and refresh callbacks hear A's changes (the same list of
event/detail values from ours as from real); errors carry the same code,
domain and message. Each daemon's transcript must be the same, and real's
must say what real libvirt's semantics say.
"""

import re
import subprocess
import sys
import threading
import time
import os

import libvirt

failures = []

POOL = ("<pool type='dir'><name>shpool</name>"
        "<uuid>5f0c1a2b-3d4e-4f60-8a9b-0c1d2e3f4a5b</uuid>"
        "<target><path>/var/lib/shpool</path></target></pool>")
VOL = ("<volume><name>v1.qcow2</name><capacity unit='G'>2</capacity>"
       "<allocation unit='M'>300</allocation><target><format type='qcow2'/></target></volume>")
VOL2 = "<volume><name>v2.img</name><capacity unit='M'>64</capacity></volume>"
TRANSIENT = ("<pool type='dir'><name>shtrans</name>"
             "<target><path>/var/lib/shtrans</path></target></pool>")


def check(name, expected, got):
    if expected == got:
        print("ok   %s: %r" % (name, got))
    else:
        print("FAIL %s: expected %r, got %r" % (name, expected, got))
        failures.append(name)


def uri(sock):
    return "test+unix:///default?socket=%s" % sock


def wait_for(pred, secs=10):
    end = time.time() + secs
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def err(fn):
    try:
        r = fn()
        return ("ok", r)
    except libvirt.libvirtError as e:
        return ("error", e.get_error_code(), e.get_error_domain(), e.get_error_message())


def pools(conn, flags=0):
    return sorted((p.name(), p.isActive(), p.isPersistent()) for p in
                  conn.listAllStoragePools(flags))


def vols(pool):
    return sorted((v.name(), v.key(), v.path(), v.info()) for v in pool.listAllVolumes())


def no_uuids(text):
    return re.sub(r"<uuid>[0-9a-f-]{36}</uuid>", "<uuid/>", text)


def scenario(sock):
    out = []
    a = libvirt.open(uri(sock))
    b = libvirt.open(uri(sock))
    heard = []
    cbs = [
        b.storagePoolEventRegisterAny(
            None, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
            lambda c, p, e, det, o: heard.append((p.name(), "lifecycle", e, det)), None),
        b.storagePoolEventRegisterAny(
            None, libvirt.VIR_STORAGE_POOL_EVENT_ID_REFRESH,
            lambda c, p, o: heard.append((p.name(), "refresh")), None),
    ]
    out.append(("B's pools at first", pools(b)))
    out.append(("default-pool's info", b.storagePoolLookupByName("default-pool").info()))
    p = a.storagePoolDefineXML(POOL, 0)
    out.append(("B lists A's define", pools(b)))
    out.append(("B's inactive list", pools(b, libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE)))
    p.build(0)
    p.create(0)
    p.setAutostart(1)
    out.append(("B's autostart of it", b.storagePoolLookupByName("shpool").autostart()))
    v = p.createXML(VOL, 0)
    out.append(("A's new volume's path", v.path()))
    bp = b.storagePoolLookupByName("shpool")
    out.append(("B's volumes of A's pool", vols(bp)))
    out.append(("B's info of A's pool", bp.info()))
    out.append(("B's XML of A's pool", bp.XMLDesc(0) == p.XMLDesc(0)))
    bv = b.storageVolLookupByPath("/var/lib/shpool/v1.qcow2")
    out.append(("B's lookup by path", (bv.name(), bv.key(), bv.info())))
    out.append(("B's volume XML", bv.XMLDesc(0)))
    out.append(("B's lookup by key", b.storageVolLookupByKey(v.key()).name()))
    out.append(("B's pool of the volume", bv.storagePoolLookupByVolume().name()))
    bp.createXMLFrom(VOL2, bv, 0)
    out.append(("A sees B's clone", sorted(p.listVolumes())))
    out.append(("A's numOfVolumes", p.numOfVolumes()))
    p.refresh(0)
    b.storageVolLookupByPath("/var/lib/shpool/v2.img").delete(0)
    out.append(("A's volumes after B's delete", vols(p)))
    out.append(("A's info after B's delete", p.info()))
    t = a.storagePoolCreateXML(TRANSIENT, 0)
    out.append(("B lists A's transient pool", pools(b)))
    out.append(("B's transient XML", no_uuids(b.storagePoolLookupByName("shtrans").XMLDesc(0))))
    t.destroy()
    out.append(("B after the transient's destroy", pools(b)))
    p.destroy()
    out.append(("B's volumes of a stopped pool",
                err(lambda: b.storagePoolLookupByName("shpool").listAllVolumes())))
    p.delete(0)
    p.undefine()
    out.append(("B after A's undefine", pools(b)))
    out.append(("old listing calls", (b.numOfStoragePools(), b.listStoragePools(),
                                      b.numOfDefinedStoragePools(),
                                      b.listDefinedStoragePools())))
    out.append(("errors", [
        err(lambda: b.storagePoolLookupByName("shpool")),
        err(lambda: b.storagePoolLookupByUUIDString("5f0c1a2b-3d4e-4f60-8a9b-0c1d2e3f4a5b")),
        err(lambda: b.storageVolLookupByPath("/var/lib/shpool/v1.qcow2")),
        err(lambda: b.storageVolLookupByKey("nosuch")),
        err(lambda: b.storagePoolLookupByName("default-pool").storageVolLookupByName("x")),
        err(lambda: b.storagePoolLookupByName("default-pool").createXML("<volume/>", 0)),
        err(lambda: b.storagePoolLookupByName("default-pool").createXML(VOL, 1)),
        err(lambda: b.storagePoolDefineXML("<pool type='dir'><name>x", 0)),
        err(lambda: b.listAllStoragePools(1 << 20)),
        err(lambda: b.findStoragePoolSources("netfs", "<source><host name='h'/></source>", 0)),
        err(lambda: b.findStoragePoolSources("netfs", None, 0)),
        err(lambda: b.storagePoolLookupByName("default-pool").storageVolLookupByName("x")),
    ]))
    expected = 9
    wait_for(lambda: len(heard) >= expected, 10)
    time.sleep(0.3)  # nothing more may come
    out.append(("B hears", list(heard)))
    for cb in cbs:
        b.storagePoolEventDeregisterAny(cb)
    del p, v, bp, bv, t
    a.close()
    b.close()
    c = libvirt.open(uri(sock))
    out.append(("after both closed", pools(c)))
    c.close()
    return out


def virsh_pool_event(sock):
    """Real virsh's pool-event --all --loop on one connection hears the
    changes another makes."""
    evs = [subprocess.Popen(["virsh", "-c", uri(sock),
                             "pool-event --event %s --loop --timeout 5" % kind],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, LC_ALL="C"))
           for kind in ("lifecycle", "refresh")]
    time.sleep(1.5)  # their registrations are made
    a = libvirt.open(uri(sock))
    p = a.storagePoolDefineXML(POOL, 0)
    p.create(0)
    p.refresh(0)
    p.destroy()
    p.undefine()
    del p
    a.close()
    return [ev.communicate(timeout=30)[0] for ev in evs]


def run_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


def main():
    libvirt.registerErrorHandler(lambda c, e: None, None)
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=run_loop, daemon=True).start()
    real = scenario(os.environ["REAL_SOCK"])
    ours = scenario(os.environ["OURS_SOCK"])
    for (name, r), (_, o) in zip(real, ours):
        check("same as real: " + name, r, o)
    check("same number of steps", len(real), len(ours))
    rv, ov = virsh_pool_event(os.environ["REAL_SOCK"]), virsh_pool_event(os.environ["OURS_SOCK"])
    check("virsh pool-event --loop: same as real", rv, ov)
    check("real: virsh pool-event hears 4 lifecycle events and a refresh", (4, 1),
          (rv[0].count("event 'lifecycle'"), rv[1].count("event 'refresh'")))

    got = dict(real)
    E = libvirt
    check("real: B lists A's define", [("default-pool", 1, 1), ("shpool", 0, 1)],
          got["B lists A's define"])
    check("real: B hears", [
        ("shpool", "lifecycle", E.VIR_STORAGE_POOL_EVENT_DEFINED, 0),
        ("shpool", "lifecycle", E.VIR_STORAGE_POOL_EVENT_CREATED, 0),
        ("shpool", "lifecycle", E.VIR_STORAGE_POOL_EVENT_STARTED, 0),
        ("shpool", "refresh"),
        ("shtrans", "lifecycle", E.VIR_STORAGE_POOL_EVENT_STARTED, 0),
        ("shtrans", "lifecycle", E.VIR_STORAGE_POOL_EVENT_STOPPED, 0),
        ("shpool", "lifecycle", E.VIR_STORAGE_POOL_EVENT_STOPPED, 0),
        ("shpool", "lifecycle", E.VIR_STORAGE_POOL_EVENT_DELETED, 0),
        ("shpool", "lifecycle", E.VIR_STORAGE_POOL_EVENT_UNDEFINED, 0),
    ], got["B hears"][:9])
    check("real: reset after both closed", [("default-pool", 1, 1)], got["after both closed"])

    if failures:
        print("%d failure(s): %s" % (len(failures), ", ".join(failures)))
        return 1
    print("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
