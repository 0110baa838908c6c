#!/usr/bin/python3
"""crash.py ACTION URI NAME [ARGS]: ten python3-libvirt clients call the
daemon at URI in a loop (lookup of the running domain NAME, its info, the
domain list), each on its own connection, while ACTION happens to the
daemon 1.5 s in; after 5 s of calls each says how many calls it made, how
many failed and the first error. A client whose call fails opens a new
connection (as virt-manager does) and goes on. Then the domain NAME must be
running on a fresh connection, with the same QEMU (QEMU_PID).

ACTION:
  segv-one ACTIVATOR_PID QEMU_PID   ours: SIGSEGV to one connection process
                                    (a child of the socket activator)
  segv-daemon DAEMON_PID QEMU_PID   real libvirtd: SIGSEGV to the daemon
  upgrade BINARY NEWBINARY ACTIVATOR_PID QEMU_PID
                                    ours: NEWBINARY renamed over BINARY (the
                                    activator runs BINARY): every later
                                    connection must run the new file, the
                                    ones open keep theirs
  restart COMMAND QEMU_PID          real libvirtd: COMMAND (its restart)

Prints one line per figure ("clients with a failed call: 1 of 10", ...) and
exits 1 when the outcome is not the one given with --expect
(isolated: exactly one client saw failures, or none for upgrade; any: only
recorded)."""
import multiprocessing
import os
import signal
import subprocess
import sys
import time

import libvirt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from procs import libvirtd_children as children  # noqa: E402

CLIENTS = 10
RUN_SECS = 5.0
ACT_AT = 1.5


def quiet(ctx, err):
    pass


def client(uri, name, start, out):
    libvirt.registerErrorHandler(quiet, None)
    calls = failed = 0
    first = ""
    conn = None
    while time.monotonic() < start + RUN_SECS:
        try:
            if conn is None:
                conn = libvirt.open(uri)
            conn.lookupByName(name).info()
            conn.listAllDomains()
            calls += 1
        except libvirt.libvirtError as e:
            failed += 1
            first = first or str(e).split("\n")[0]
            try:
                if conn is not None:
                    conn.close()
            except libvirt.libvirtError:
                pass
            conn = None
            time.sleep(0.05)
    out.send((os.getpid(), calls, failed, first))
    out.close()


def exe_inode(pid):
    try:
        return os.stat("/proc/%d/exe" % pid).st_ino
    except OSError:
        return None


def main():
    args = sys.argv[1:]
    expect = "any"
    if args and args[0].startswith("--expect="):
        expect = args.pop(0).split("=", 1)[1]
    action, uri, name = args[0], args[1], args[2]
    rest = args[3:]
    qemu_pid = int(rest[-1])
    start = time.monotonic() + 0.5
    pipes, procs = [], []
    for _ in range(CLIENTS):
        r, w = multiprocessing.Pipe(False)
        p = multiprocessing.Process(target=client, args=(uri, name, start, w))
        p.start()
        w.close()
        pipes.append(r)
        procs.append(p)
    time.sleep(max(0.0, start + ACT_AT - time.monotonic()))
    bad = []
    if action == "segv-one":
        act = int(rest[0])
        kids = children(act)
        if len(kids) < CLIENTS:
            bad.append("only %d connection processes under the activator" % len(kids))
        victim = kids[len(kids) // 2]
        os.kill(victim, signal.SIGSEGV)
        print("SIGSEGV to connection process %d, one of %d" % (victim, len(kids)))
    elif action == "segv-daemon":
        os.kill(int(rest[0]), signal.SIGSEGV)
        print("SIGSEGV to the daemon")
    elif action == "upgrade":
        binary, new, act = rest[0], rest[1], int(rest[2])
        old_ino = os.stat(binary).st_ino
        before = children(act)
        os.rename(new, binary)
        new_ino = os.stat(binary).st_ino
        print("the daemon's binary replaced (inode %d -> %d) with %d connections open"
              % (old_ino, new_ino, len(before)))
    elif action == "restart":
        t = time.monotonic()
        r = subprocess.run(rest[0], shell=True, capture_output=True, text=True)
        print("the daemon restarted in %.1f s (status %d)" % (time.monotonic() - t, r.returncode))
    results = [p.recv() for p in pipes]
    for p in procs:
        p.join(10)
    hit = [r for r in results if r[2] > 0]
    print("calls: %d, failed: %d" % (sum(r[1] for r in results), sum(r[2] for r in results)))
    print("clients with a failed call: %d of %d" % (len(hit), CLIENTS))
    for r in hit[:3]:
        print("  a client saw: %s" % r[3])
    if any(r[1] == 0 for r in results if r not in hit):
        bad.append("a client made no call at all")
    if action == "upgrade":
        # Connections opened now run the new binary; the old ones, still
        # open until their clients went, ran the old one.
        libvirt.registerErrorHandler(quiet, None)
        conn = libvirt.open(uri)
        conn.getVersion()
        kids = children(act)
        if not kids or exe_inode(kids[-1]) != new_ino:
            bad.append("a connection opened after the upgrade does not run the new binary")
        else:
            print("a connection opened afterwards runs the new binary (inode %d)" % new_ino)
        conn.close()
        for b in before:
            ino = exe_inode(b)
            if ino is not None and ino != old_ino:
                bad.append("connection process %d changed binary" % b)
    # The VM: still running, the same QEMU.
    try:
        os.kill(qemu_pid, 0)
        alive = True
    except OSError:
        alive = False
    print("the VM's QEMU (%d) %s" % (qemu_pid, "still runs" if alive else "is gone"))
    if not alive:
        bad.append("the VM's QEMU died")
    if action in ("segv-one", "upgrade"):
        libvirt.registerErrorHandler(quiet, None)
        try:
            st = libvirt.open(uri).lookupByName(name).state()[0]
        except libvirt.libvirtError as e:
            st = str(e)
        print("the VM's state afterwards: %s" % ("running" if st == libvirt.VIR_DOMAIN_RUNNING
                                                  else st))
        if st != libvirt.VIR_DOMAIN_RUNNING:
            bad.append("the VM is not running")
    want = {"isolated": 1, "untouched": 0}.get(expect)
    if want is not None and len(hit) != want:
        bad.append("%d clients saw failed calls, expected %d" % (len(hit), want))
    for b in bad:
        print("FAIL " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
