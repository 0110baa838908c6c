#!/usr/bin/python3
"""Concurrent connections share test:///default: ours against real libvirtd 9.0.

Run through with-daemons.sh (REAL_SOCK, OURS_SOCK, OURS_PID: our activator):
  LIBVIRTD=build/src/libvirtd tests/integration/with-daemons.sh \
      /usr/bin/python3 tests/integration/shared-default.py

On each daemon, with two connections A and B open at once: a domain A
defines is listed on B with the same XML; a destroy on A shows in B's
dominfo and domstate; B's callbacks hear A's events (the same list of
event/detail values from ours as from real); after both close a new
connection sees the default again. Then a connection is killed with -9
(ours: its libvirtd process, the activator's child; real: the client
holding it, real libvirtd being one process): the survivor still sees and
changes the shared state, and once it closes the default is back; and the
same when the killed one was the only connection. Node files
(test:///PATH) are not shared, on either. Each daemon's transcript must be
the same, and each must say what real libvirt's semantics say.
"""

import os
import signal
import subprocess
import sys
import threading
import time

import libvirt

DATA = os.environ["TEST_DATA"]
failures = []

UUID2 = "4dea22b3-1d52-d8f3-2516-782e98a23fa0"
XML2 = ("<domain type='test'><name>shared2</name><uuid>%s</uuid>"
        "<memory>1048576</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>" % UUID2)
XML3 = ("<domain type='test'><name>shared3</name>"
        "<memory>1048576</memory><os><type>hvm</type></os></domain>")
XML4 = ("<domain type='test'><name>shared4</name>"
        "<memory>1048576</memory><os><type>hvm</type></os></domain>")

# A child holding one connection, killed with -9 later. It prints "ready"
# once its change is made, then waits.
CHILD = r"""
import sys, time, libvirt
c = libvirt.open(sys.argv[1])
if sys.argv[2] == "define":
    c.defineXML(sys.argv[3])
else:
    c.lookupByName("test").destroy()
print("ready", flush=True)
time.sleep(120)
"""


# A worker hammering the shared state with others: defines and undefines
# its own domain, starts and destroys 'test' (which the others race for:
# "not running" and "already running" are the only errors allowed). It
# prints "ok" or what went wrong.
WORKER = r"""
import sys, libvirt
libvirt.registerErrorHandler(lambda c, e: None, None)
c = libvirt.open(sys.argv[1])
name = sys.argv[2]
xml = ("<domain type='test'><name>%s</name><memory>1024</memory>"
       "<os><type>hvm</type></os></domain>" % name)
allowed = ("domain is not running", "is already running")
bad = []
for i in range(int(sys.argv[3])):
    try:
        d = c.defineXML(xml)
        if name not in [x.name() for x in c.listAllDomains()]:
            bad.append("own define not listed")
        d.undefine()
    except libvirt.libvirtError as e:
        bad.append(str(e))
    for op in ("destroy", "create"):
        try:
            getattr(c.lookupByName("test"), op)()
        except libvirt.libvirtError as e:
            if not any(a in str(e) for a in allowed):
                bad.append(str(e))
try:
    c.lookupByName("test").create()
except libvirt.libvirtError as e:
    if not any(a in str(e) for a in allowed):
        bad.append(str(e))
print("ok" if not bad else "bad: %r" % bad[:3], flush=True)
"""


def check(name, expected, got):
    if expected == got:
        print("ok   %s: %r" % (name, got))
    else:
        print("FAIL %s: expected %r, got %r" % (name, expected, got))
        failures.append(name)


def uri(sock, path="/default"):
    return "test+unix://%s?socket=%s" % (path, sock)


def names_states(conn):
    return sorted((d.name(), d.state()[0]) for d in conn.listAllDomains())


def children(pid):
    """The processes whose parent is pid."""
    out = set()
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % p) as f:
                st = f.read()
        except OSError:
            continue
        if int(st[st.rindex(")") + 2:].split()[1]) == pid:
            out.add(int(p))
    return out


def wait_for(pred, secs=10):
    end = time.time() + secs
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def gone_or_zombie(pid):
    """The process has exited: reaped already (its /proc entry may vanish
    between any two looks), or a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[1][0] == "Z"
    except FileNotFoundError:
        return True


def kill_one(sock, activator, how, arg=None):
    """Starts a child connection that makes a change, then kills the
    process that serves it with -9 (ours: the libvirtd process the
    activator started for it; real: the client itself). Returns when the
    kill is done."""
    before = children(activator) if activator else set()
    child = subprocess.Popen([sys.executable, "-c", CHILD, uri(sock), how, arg or ""],
                             stdout=subprocess.PIPE, text=True)
    line = child.stdout.readline().strip()
    if line != "ready":
        child.kill()
        child.wait()
        raise RuntimeError("the child connection did not start: %r" % line)
    if activator:
        new = children(activator) - before
        if len(new) != 1:
            raise RuntimeError("expected one new libvirtd process, found %r" % new)
        server = new.pop()
        os.kill(server, signal.SIGKILL)
        wait_for(lambda: gone_or_zombie(server))
    else:
        child.kill()
        child.wait()
        # Real libvirtd closes the connection once it reads the hang-up.
        time.sleep(0.5)
    child.kill()
    child.wait()
    child.stdout.close()


class Transcript(list):
    """Printed as it grows, so that a run that breaks off shows how far
    it got."""

    def __init__(self, label):
        super().__init__()
        self.label = label

    def append(self, item):
        print("%s %s: %r" % (self.label, item[0], item[1]), flush=True)
        super().append(item)


def scenario(label, sock, activator):
    out = Transcript(label)
    a = libvirt.open(uri(sock))
    b = libvirt.open(uri(sock))
    heard = []
    cb = b.domainEventRegisterAny(
        None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
        lambda c, d, e, det, o: heard.append((d.name(), e, det)), None)

    a.defineXML(XML2)
    out.append(("B lists A's define", names_states(b)))
    out.append(("B's XML is A's", b.lookupByName("shared2").XMLDesc(0) ==
                a.lookupByName("shared2").XMLDesc(0)))
    a.lookupByName("test").destroy()
    out.append(("B's dominfo after A's destroy", b.lookupByName("test").info()[:4]))
    out.append(("B's domstate after A's destroy", b.lookupByName("test").state()))
    d2 = a.lookupByName("shared2")
    d2.create()
    out.append(("B's id of A's start", b.lookupByName("shared2").ID()))
    d2.suspend()
    d2.resume()
    b.lookupByName("shared2").destroy()  # B's own change, heard by B too
    d2.undefine()
    a.lookupByName("test").create()
    expected = 8
    wait_for(lambda: len(heard) >= expected, 10)
    time.sleep(0.3)  # nothing more may come
    out.append(("B hears", list(heard)))
    b.domainEventDeregisterAny(cb)
    # A domain object keeps its connection open: close would not close.
    del d2
    a.close()
    b.close()

    c = libvirt.open(uri(sock))
    out.append(("after both closed", names_states(c)))
    out.append(("test's id after the reset", c.lookupByName("test").ID()))
    c.close()

    # A connection killed with -9, another one still open.
    b = libvirt.open(uri(sock))
    kill_one(sock, activator, "define", XML3)
    out.append(("survivor lists the killed one's define", names_states(b)))
    b.defineXML(XML4)
    b.lookupByName("test").destroy()
    out.append(("survivor's own changes", names_states(b)))
    b.close()
    c = libvirt.open(uri(sock))
    out.append(("after the survivor closed", names_states(c)))
    c.close()

    # The only connection killed with -9.
    kill_one(sock, activator, "destroy")
    c = libvirt.open(uri(sock))
    out.append(("after the only one was killed", names_states(c)))
    c.close()

    # Four connections at once hammering it, a fifth listening.
    b = libvirt.open(uri(sock))
    heard = []
    cb = b.domainEventRegisterAny(
        None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
        lambda c, d, e, det, o: heard.append((d.name(), e, det)), None)
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, uri(sock), "hammer%d" % i, "25"],
                                stdout=subprocess.PIPE, text=True) for i in range(4)]
    results = []
    for w in workers:
        results.append(w.communicate(timeout=120)[0].strip())
    out.append(("hammering workers", results))
    out.append(("after the hammering", names_states(b)))
    # Every worker's define has its undefine; 'test' stops and starts in
    # turn, one global order; all of it heard.
    wait_for(lambda: sum(1 for h in heard if h[0].startswith("hammer")) >= 200, 20)
    time.sleep(0.3)
    per = {}
    for n, e, det in heard:
        per.setdefault(n, []).append((e, det))
    out.append(("hammer events heard", sorted(
        (n, len(v), v == [(0, 0), (1, 0)] * 25) for n, v in per.items() if n != "test")))
    t = per.get("test", [])
    out.append(("'test' stops as often as it starts",
                (t.count((5, 1)), t.count((2, 0)), len(t)) ==
                (len(t) // 2, len(t) // 2, t.count((5, 1)) * 2)))
    # Ours gives every connection one global order (the journal's): the
    # stops and starts alternate. Real libvirtd queues an event after it
    # unlocks the domain, so two threads may swap theirs: not compared.
    alternate = all(t[i] == ((5, 1) if i % 2 == 0 else (2, 0)) for i in range(len(t)))
    print("%s 'test' events in turn: %r (%d events)" % (label, alternate, len(t)))
    out.order_kept = alternate
    b.domainEventDeregisterAny(cb)
    b.close()

    # Node files: each connection has its own.
    node = os.path.join(DATA, "node-interop.xml")
    a = libvirt.open(uri(sock, node))
    b = libvirt.open(uri(sock, node))
    before = names_states(b)
    a.defineXML(XML4)
    out.append(("node file: B after A's define", names_states(b) == before))
    a.close()
    b.close()

    return out


def run_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


def main():
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=run_loop, daemon=True).start()
    activator = int(os.environ["OURS_PID"])
    real = scenario("real", os.environ["REAL_SOCK"], None)
    ours = scenario("ours", os.environ["OURS_SOCK"], activator)
    # lib.sh keeps our store in the test's directory, one per activator.
    store = os.path.join(os.path.dirname(os.environ["OURS_LOG"]), "test-default",
                         str(activator))
    check("ours: the store is in the test's directory", True,
          os.path.isfile(os.path.join(store, "users")))
    check("ours: the last close reset the state", False,
          os.path.exists(os.path.join(store, "state")))
    for (name, r), (_, o) in zip(real, ours):
        check("same as real: " + name, r, o)

    # What real libvirt's semantics say, so that both being wrong the same
    # way cannot pass.
    got = dict(real)
    E = libvirt
    check("real: B lists A's define", [("shared2", E.VIR_DOMAIN_SHUTOFF),
                                       ("test", E.VIR_DOMAIN_RUNNING)],
          got["B lists A's define"])
    check("real: B's domstate after A's destroy",
          [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_DESTROYED],
          got["B's domstate after A's destroy"])
    check("real: B hears", [
        ("shared2", E.VIR_DOMAIN_EVENT_DEFINED, E.VIR_DOMAIN_EVENT_DEFINED_ADDED),
        ("test", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
        ("shared2", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED),
        ("shared2", E.VIR_DOMAIN_EVENT_SUSPENDED, E.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED),
        ("shared2", E.VIR_DOMAIN_EVENT_RESUMED, E.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED),
        ("shared2", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
        ("shared2", E.VIR_DOMAIN_EVENT_UNDEFINED, E.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED),
        ("test", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED),
    ], got["B hears"])
    default = [("test", E.VIR_DOMAIN_RUNNING)]
    check("real: reset after both closed", default, got["after both closed"])
    check("real: survivor sees the killed one's define",
          [("shared3", E.VIR_DOMAIN_SHUTOFF), ("test", E.VIR_DOMAIN_RUNNING)],
          got["survivor lists the killed one's define"])
    check("real: reset after the survivor closed", default, got["after the survivor closed"])
    check("real: reset after the only one was killed", default,
          got["after the only one was killed"])
    check("real: node files not shared", True, got["node file: B after A's define"])
    check("real: hammering workers", ["ok"] * 4, got["hammering workers"])
    check("real: after the hammering", default, got["after the hammering"])
    check("real: 'test' stops as often as it starts", True,
          got["'test' stops as often as it starts"])
    check("ours: 'test' stops and starts in one order", True, ours.order_kept)

    if failures:
        print("%d failure(s): %s" % (len(failures), ", ".join(failures)))
        return 1
    print("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
