#!/usr/bin/python3
"""virsh pool-event and nodedev-event --loop, real virsh 9.0's and ours
(OUR_VIRSH), listening on each daemon (real libvirtd 9.0 and ours) while
another connection defines, starts, refreshes, stops and removes a pool,
creates and destroys a vHBA and destroys scsi_host11: every listener
must print what real virsh prints against real's daemon.

Run through with-daemons.sh (REAL_SOCK, OURS_SOCK):
  LIBVIRTD=build/src/libvirtd OUR_VIRSH=build/client/virsh/virsh \\
      tests/integration/with-daemons.sh /usr/bin/python3 \\
      tests/integration/pool-nodedev-events.py
"""

import os
import subprocess
import sys
import time

import libvirt

POOL = ("<pool type='dir'><name>evpool</name>"
        "<uuid>6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d</uuid>"
        "<target><path>/var/lib/evpool</path></target></pool>")
DATA = os.environ.get("TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))
DEV = open(os.path.join(DATA, "nodedev-vhba.xml")).read()
VIRSHES = ["virsh"] + ([os.environ["OUR_VIRSH"]] if os.environ.get("OUR_VIRSH") else [])
COMMANDS = ["pool-event --event lifecycle --loop --timeout 4",
            "pool-event --event refresh --loop --timeout 4",
            "pool-event --pool evpool --event lifecycle --loop --timeout 4",
            "nodedev-event --event lifecycle --loop --timeout 4",
            "nodedev-event --event update --loop --timeout 4",
            "nodedev-event --device scsi_host11 --event lifecycle --loop --timeout 4"]


def uri(sock):
    return "test+unix:///default?socket=%s" % sock


def changes(conn):
    pool = conn.storagePoolDefineXML(POOL, 0)
    pool.create(0)
    pool.refresh(0)
    pool.destroy()
    pool.undefine()
    conn.nodeDeviceCreateXML(DEV, 0).destroy()
    conn.nodeDeviceLookupByName("scsi_host11").destroy()


def scenario(sock):
    heard = {}
    listeners = [(v, c, subprocess.Popen([v, "-c", uri(sock), c], stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, text=True,
                                         env=dict(os.environ, LC_ALL="C")))
                 for v in VIRSHES for c in COMMANDS]
    time.sleep(1.0)  # their registrations are made
    a = libvirt.open(uri(sock))
    changes(a)
    a.close()
    for v, c, p in listeners:
        heard[(v, c)] = p.communicate(timeout=30)[0]
    return heard


def main():
    failures = []
    real = scenario(os.environ["REAL_SOCK"])
    ours = scenario(os.environ["OURS_SOCK"])
    for c in COMMANDS:
        expected = real[("virsh", c)]
        print("== real virsh %s on real's daemon:\n%s" % (c, expected), end="")
        for label, got in [("ours", ours), ("real", real)]:
            for v in VIRSHES:
                if got[(v, c)] != expected:
                    failures.append("%s on %s's daemon, %s: expected %r, got %r"
                                    % (v, label, c, expected, got[(v, c)]))
    # Real's test driver sends no node device update for these changes:
    # that listener must hear nothing; every other one something.
    for c in COMMANDS:
        if ("events received: 0" in real[("virsh", c)]) != ("update" in c):
            failures.append("real virsh %s on real's daemon: %r" % (c, real[("virsh", c)]))
    for f in failures:
        print("FAIL", f)
    print("%d failures" % len(failures))
    return 1 if failures else 0


sys.exit(main())
