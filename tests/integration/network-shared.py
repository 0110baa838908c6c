#!/usr/bin/python3
"""Networks through python3-libvirt and shared test:///default: ours
against real libvirtd 9.0.

Run through with-daemons.sh (REAL_SOCK, OURS_SOCK):
  LIBVIRTD=build/src/libvirtd tests/integration/with-daemons.sh \
      /usr/bin/python3 tests/integration/network-shared.py

On each daemon: python3-libvirt's network calls (listAllNetworks with
filters, lookups, XMLDesc, bridgeName, DHCPLeases, listAllPorts, the old
list calls, the errors of unknown networks); then two connections A and B
open at once, real `virsh net-event --event lifecycle --loop` and ours
(OUR_VIRSH) listening: what A defines, starts, destroys, updates and
undefines shows on B, B's callbacks and both virsh processes hear A's
events, and after every
connection has closed the default is back. Each daemon's transcript must
be the same, and say what real libvirt's semantics say.
"""

import os
import subprocess
import sys
import threading
import time

import libvirt

failures = []
VIRSHES = ["virsh"] + ([os.environ["OUR_VIRSH"]] if os.environ.get("OUR_VIRSH") else [])
DEFAULT_UUID = "dd8fe884-6c02-601e-7551-cca97df1c5df"
UUID = "3a9d6c2e-8b1f-4d7a-9e5c-0f1a2b3c4d5e"
XML = ("<network><name>shared-net</name><uuid>%s</uuid><forward mode='nat'/>"
       "<bridge name='virbr42'/><ip address='10.42.0.1' prefix='24'/></network>" % UUID)


def check(name, expected, got):
    if expected == got:
        print("ok   %s: %r" % (name, got))
    else:
        print("FAIL %s: expected %r, got %r" % (name, expected, got))
        failures.append(name)


def uri(sock):
    return "test+unix:///default?socket=%s" % sock


def err(f):
    try:
        return ("ok", f())
    except libvirt.libvirtError as e:
        return ("error", e.get_error_code(), e.get_error_domain(), e.get_error_message())


def nets(conn, flags=0):
    return sorted((n.name(), n.isActive(), n.isPersistent(), n.autostart())
                  for n in conn.listAllNetworks(flags))


def wait_for(pred, secs=10):
    end = time.time() + secs
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


class Transcript(list):
    def __init__(self, label):
        super().__init__()
        self.label = label

    def append(self, item):
        print("%s %s: %r" % (self.label, item[0], item[1]), flush=True)
        super().append(item)


def api_calls(out, c):
    n = c.networkLookupByName("default")
    out.append(("listAllNetworks", nets(c)))
    for flag in ("INACTIVE", "ACTIVE", "PERSISTENT", "TRANSIENT", "AUTOSTART", "NO_AUTOSTART"):
        out.append(("listAllNetworks " + flag,
                    nets(c, getattr(libvirt, "VIR_CONNECT_LIST_NETWORKS_" + flag))))
    out.append(("listAllNetworks bad flag", err(lambda: c.listAllNetworks(1 << 10))))
    out.append(("numOfNetworks", c.numOfNetworks()))
    out.append(("listNetworks", c.listNetworks()))
    out.append(("numOfDefinedNetworks", c.numOfDefinedNetworks()))
    out.append(("listDefinedNetworks", c.listDefinedNetworks()))
    out.append(("lookup by uuid", c.networkLookupByUUIDString(DEFAULT_UUID).name()))
    out.append(("UUIDString", n.UUIDString()))
    out.append(("XMLDesc", n.XMLDesc(0)))
    out.append(("XMLDesc inactive", err(lambda: n.XMLDesc(libvirt.VIR_NETWORK_XML_INACTIVE))))
    out.append(("bridgeName", n.bridgeName()))
    out.append(("isActive/isPersistent/autostart", (n.isActive(), n.isPersistent(),
                                                     n.autostart())))
    out.append(("DHCPLeases", err(lambda: n.DHCPLeases())))
    out.append(("listAllPorts", err(lambda: n.listAllPorts())))
    out.append(("unknown name", err(lambda: c.networkLookupByName("nosuch"))))
    out.append(("unknown uuid", err(
        lambda: c.networkLookupByUUIDString("11111111-2222-3333-4444-555555555555"))))
    out.append(("define flags", err(lambda: c.networkDefineXMLFlags(XML, 2).name())))
    out.append(("create flags", err(lambda: c.networkCreateXMLFlags(XML, 2).name())))
    x = c.networkDefineXML("<network><name>nobridge</name></network>")
    out.append(("generated uuid differs", x.UUIDString() != DEFAULT_UUID))
    out.append(("no bridge name", err(lambda: x.bridgeName())))
    x.undefine()


def scenario(label, sock):
    out = Transcript(label)
    c = libvirt.open(uri(sock))
    api_calls(out, c)
    c.close()

    a = libvirt.open(uri(sock))
    b = libvirt.open(uri(sock))
    heard = []
    cb = b.networkEventRegisterAny(
        None, libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE,
        lambda conn, net, e, det, o: heard.append((net.name(), e, det)), None)
    # Real virsh and ours (when OUR_VIRSH names it) listening.
    listeners = [subprocess.Popen(
        [v, "-c", uri(sock), "net-event --event lifecycle --loop --timeout 6"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=dict(os.environ, LC_ALL="C")) for v in VIRSHES]
    time.sleep(1.0)  # their registrations are made

    net = a.networkDefineXML(XML)
    out.append(("B lists A's define", nets(b)))
    out.append(("B's XML is A's", b.networkLookupByName("shared-net").XMLDesc(0) ==
                net.XMLDesc(0)))
    net.create()
    net.setAutostart(1)
    out.append(("B after A's start and autostart", nets(b)))
    net.update(libvirt.VIR_NETWORK_UPDATE_COMMAND_ADD_LAST,
               libvirt.VIR_NETWORK_SECTION_DNS_TXT, -1, "<txt name='t' value='v'/>", 0)
    out.append(("B sees A's update", "<txt name='t' value='v'/>" in
                b.networkLookupByName("shared-net").XMLDesc(0)))
    b.networkLookupByName("default").destroy()  # B's own change, heard by B too
    out.append(("A after B's destroy", nets(a)))
    net.destroy()
    net.undefine()
    b.networkLookupByName("default").create()
    wait_for(lambda: len(heard) >= 6, 10)
    time.sleep(0.3)
    out.append(("B hears", list(heard)))
    b.networkEventDeregisterAny(cb)
    del net
    a.close()
    b.close()
    for v, p in zip(VIRSHES, listeners):
        out.append(("%s net-event hears" % ("real virsh" if v == "virsh" else "our virsh"),
                    p.communicate(timeout=30)[0]))

    c = libvirt.open(uri(sock))
    out.append(("after every close", nets(c)))
    c.close()
    return out


def run_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


def main():
    libvirt.virEventRegisterDefaultImpl()
    libvirt.registerErrorHandler(lambda c, e: None, None)
    threading.Thread(target=run_loop, daemon=True).start()
    real = scenario("real", os.environ["REAL_SOCK"])
    ours = scenario("ours", os.environ["OURS_SOCK"])
    for (name, r), (_, o) in zip(real, ours):
        check("same as real: " + name, r, o)
    check("same number of steps", len(real), len(ours))

    got = dict(real)
    E = libvirt
    check("real: B hears", [
        ("shared-net", E.VIR_NETWORK_EVENT_DEFINED, 0),
        ("shared-net", E.VIR_NETWORK_EVENT_STARTED, 0),
        ("default", E.VIR_NETWORK_EVENT_STOPPED, 0),
        ("shared-net", E.VIR_NETWORK_EVENT_STOPPED, 0),
        ("shared-net", E.VIR_NETWORK_EVENT_UNDEFINED, 0),
        ("default", E.VIR_NETWORK_EVENT_STARTED, 0),
    ], got["B hears"])
    check("real: reset after every close", [("default", 1, 1, 0)], got["after every close"])
    if len(VIRSHES) > 1:
        for label, t in (("real", dict(real)), ("ours", dict(ours))):
            check("%s: our virsh net-event hears what real virsh hears" % label,
                  t["real virsh net-event hears"], t["our virsh net-event hears"])

    if failures:
        print("%d failure(s): %s" % (len(failures), ", ".join(failures)))
        return 1
    print("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
