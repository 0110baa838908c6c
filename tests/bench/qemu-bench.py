#!/usr/bin/python3
"""qemu-bench.py: the QEMU driver's timings, for scripts/bench-qemu.sh.

  qemu-bench.py REAL_URI OURS_URI FLOOR WORKDIR DOMAIN_TEMPLATE PAYLOAD SCALE -- QEMU_ARGV...

REAL_URI is real libvirtd 9.0's QEMU driver, OURS_URI ours; FLOOR is
tests/bench/qemu-floor, run with QEMU_ARGV; DOMAIN_TEMPLATE is a domain
XML with @NAME@, @PAYLOAD@ and @SERIAL@ (tests/qemu/data/scenario.xml).
Both daemons must have no domain defined. Prints "KEY median p99 n" lines
(microseconds) for scripts/bench-qemu.sh to put in its table; progress
and failures go to stderr.

Two kinds of figure, each named by its key:
  v_*   the wall time of a whole `virsh -c URI ...` process (real virsh):
        what a user at a shell waits for, virsh's own start and the
        connection's open and close included (~15-20 ms here);
  api_* the time of one call on a connection already open, measured in
        this process around python3-libvirt's call (real libvirt's
        client library), where a virsh process start would be most of
        the figure.
Every round measures real and ours one after the other, in alternating
order, so that the machine's noise falls on both. At most one VM per
daemon runs at a time, two during the suspend and event rows.
"""
import os
import select
import statistics
import subprocess
import sys
import time

import libvirt

VIRSH = "/usr/bin/virsh"
MARKER = b"qemu-payload: up"
EV_SUSPENDED = libvirt.VIR_DOMAIN_EVENT_SUSPENDED
EV_RESUMED = libvirt.VIR_DOMAIN_EVENT_RESUMED


def say(*a):
    print("qemu-bench:", *a, file=sys.stderr, flush=True)


def us_since(t0):
    return (time.monotonic_ns() - t0) / 1e3


def stats(samples):
    s = sorted(samples)
    p99 = min(len(s) - 1, (len(s) * 99 + 99) // 100 - 1)
    return "%.1f %.1f %d" % (statistics.median(s), s[p99], len(s))


class Bench:
    def __init__(self, real, ours, floor, work, template, payload, scale, qemu_argv):
        self.uri = {"real": real, "ours": ours}
        self.floor, self.work, self.payload = floor, work, payload
        self.scale, self.qemu_argv = scale, qemu_argv
        with open(template) as f:
            self.template = f.read()
        self.conn = {w: libvirt.open(u) for w, u in self.uri.items()}
        self.samples = {}
        self.round = 0
        self.listeners = {}
        self.races, self.tries = {}, {}

    def n(self, k):
        return max(3, int(k * self.scale))

    def add(self, key, v):
        self.samples.setdefault(key, []).append(v)

    def emit(self, key):
        print(key, stats(self.samples[key]), flush=True)

    def whos(self):
        """real, ours; then ours, real; ... one order per round."""
        self.round += 1
        return ("real", "ours") if self.round % 2 else ("ours", "real")

    def xml(self, who, name):
        return (self.template.replace("@NAME@", name)
                .replace("@PAYLOAD@", self.payload)
                .replace("@SERIAL@", os.path.join(self.work, "%s-%s.serial" % (who, name))))

    def virsh(self, who, *args):
        t0 = time.monotonic_ns()
        r = subprocess.run([VIRSH, "-q", "-c", self.uri[who]] + list(args),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        t = us_since(t0)
        if r.returncode != 0:
            raise RuntimeError("%s: virsh %s: %s" % (who, " ".join(args),
                                                     r.stderr.decode().strip()))
        return t

    def started(self, who, start):
        """start() timed, for a domain whose destroy has returned. A start
        refused with "already running" then is a driver's race (ours: the
        old supervisor still holds the domain's lock for a moment after
        answering the destroy): counted in races_WHO, retried after 2 ms,
        and only the start that worked is timed."""
        self.tries[who] = self.tries.get(who, 0) + 1
        for _ in range(500):
            try:
                return start()
            except (RuntimeError, libvirt.libvirtError) as e:
                if "already running" not in str(e):
                    raise
                self.races[who] = self.races.get(who, 0) + 1
                time.sleep(0.002)
        raise RuntimeError("%s: still 'already running' 1 s after a destroy" % who)

    def dom(self, who, name):
        return self.conn[who].lookupByName(name)

    # -- rows --

    def opens(self):
        for r in range(self.n(40) + 1):
            for who in self.whos():
                t0 = time.monotonic_ns()
                c = libvirt.open(self.uri[who])
                c.close()
                if r:  # the first round warms up
                    self.add("api_open_" + who, us_since(t0))
        for who in ("real", "ours"):
            self.emit("api_open_" + who)

    def virsh_noop(self):
        """`virsh uri`: a virsh process that opens and closes a connection
        and does nothing else: what every v_* figure has in it."""
        for _ in range(self.n(10)):
            for who in self.whos():
                self.add("v_uri_" + who, self.virsh(who, "uri"))
        for who in ("real", "ours"):
            self.emit("v_uri_" + who)

    def lists(self, count):
        for _ in range(self.n(10)):
            for who in self.whos():
                self.add("v_list%d_%s" % (count, who), self.virsh(who, "list", "--all"))
                t0 = time.monotonic_ns()
                doms = self.conn[who].listAllDomains(0)
                self.add("api_listall%d_%s" % (count, who), us_since(t0))
                if len(doms) != count:
                    raise RuntimeError("%s lists %d domains, not %d" % (who, len(doms), count))
        for who in ("real", "ours"):
            self.emit("v_list%d_%s" % (count, who))
            self.emit("api_listall%d_%s" % (count, who))

    def list_floor(self, count):
        """`virsh list --all` of count domains kept in memory: each daemon's
        test driver on a node file of count domains, over the same socket
        as its QEMU driver. What is left is virsh's own work per domain and
        one GetState round trip each: the floor under a QEMU driver's list,
        whatever it reads."""
        node = os.path.join(self.work, "node%d.xml" % count)
        with open(node, "w") as f:
            f.write("<node>\n")
            for i in range(count):
                f.write("<domain type='test'><name>f%04d</name><memory>65536</memory>"
                        "<os><type>hvm</type></os></domain>\n" % i)
            f.write("</node>\n")
        uri = {w: "test+unix://%s?%s" % (node, u.split("?", 1)[1]) for w, u in self.uri.items()}
        for _ in range(self.n(10)):
            for who in self.whos():
                t0 = time.monotonic_ns()
                r = subprocess.run([VIRSH, "-q", "-c", uri[who], "list", "--all"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                self.add("v_testlist%d_%s" % (count, who), us_since(t0))
                if r.returncode != 0 or len(r.stdout.splitlines()) != count:
                    raise RuntimeError("%s: test driver list: %s" % (who, r.stderr.decode()))
        for who in ("real", "ours"):
            self.emit("v_testlist%d_%s" % (count, who))

    def define(self, first, last):
        """Defines b0002..: inactive domains for the list rows. The last
        100 of 1000 are timed: a define with ~1000 domains defined."""
        for i in range(first, last + 1):
            for who in ("real", "ours") if i % 2 else ("ours", "real"):
                t0 = time.monotonic_ns()
                self.conn[who].defineXML(self.xml(who, "b%04d" % i)).name()
                if i > 900:
                    self.add("api_define1000_" + who, us_since(t0))
        if last > 900:
            for who in ("real", "ours"):
                self.emit("api_define1000_" + who)

    def start_destroy(self):
        """virsh start/destroy, then virDomainCreate/Destroy, then the floor,
        in every round; one warm-up round first, not counted."""
        name = "b0001"
        for r in range(self.n(10) + 1):
            for who in self.whos():
                ts = self.started(who, lambda: self.virsh(who, "start", name))
                td = self.virsh(who, "destroy", name)
                d = self.dom(who, name)

                def create():
                    t0 = time.monotonic_ns()
                    d.create()
                    return us_since(t0)
                tc = self.started(who, create)
                t0 = time.monotonic_ns()
                d.destroy()
                tx = us_since(t0)
                if r:
                    self.add("v_start_" + who, ts)
                    self.add("v_destroy_" + who, td)
                    self.add("api_start_" + who, tc)
                    self.add("api_destroy_" + who, tx)
            out = subprocess.run([self.floor, "1", self.work, "--"] + self.qemu_argv,
                                 stdout=subprocess.PIPE, check=True).stdout.split()
            if r:
                self.add("floor_start", float(out[0]))
                self.add("floor_destroy", float(out[1]))
        for key in ("v_start", "v_destroy", "api_start", "api_destroy"):
            for who in ("real", "ours"):
                self.emit("%s_%s" % (key, who))
        self.emit("floor_start")
        self.emit("floor_destroy")
        for who in ("real", "ours"):
            print("races_%s %d %d" % (who, self.races.get(who, 0), self.tries.get(who, 0)),
                  flush=True)

    def boot(self, name):
        """Starts NAME on both and waits for the guests' marker: the rows
        below act on a guest that has booted, as a user's would be."""
        for who in ("real", "ours"):
            serial = os.path.join(self.work, "%s-%s.serial" % (who, name))
            if os.path.exists(serial):
                os.unlink(serial)
            self.started(who, self.dom(who, name).create)
        deadline = time.monotonic() + 60
        for who in ("real", "ours"):
            serial = os.path.join(self.work, "%s-%s.serial" % (who, name))
            while True:
                try:
                    with open(serial, "rb") as f:
                        if MARKER in f.read():
                            break
                except FileNotFoundError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("%s: no guest marker in %s within 60 s" % (who, serial))
                time.sleep(0.1)

    def listen(self, who, name):
        """A second connection, in its own process, that prints each
        lifecycle event of NAME with the time it arrived."""
        p = subprocess.Popen([sys.executable, "-I", os.path.abspath(__file__), "_listen",
                              self.uri[who], name], stdout=subprocess.PIPE, bufsize=0)
        line = p.stdout.readline()
        if line.strip() != b"ready":
            raise RuntimeError("%s: the event listener did not start" % who)
        self.listeners[who] = p

    def next_event(self, who, want):
        # Unbuffered (bufsize=0), a line at a time: select() sees what
        # is left to read.
        p = self.listeners[who]
        deadline = time.monotonic() + 10
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
                raise RuntimeError("%s: no event %d within 10 s" % (who, want))
            line = p.stdout.readline().split()
            if not line:
                raise RuntimeError("%s: the event listener ended" % who)
            if int(line[0]) == want:
                return int(line[1])

    def suspend_resume_events(self, name):
        for who in ("real", "ours"):
            self.listen(who, name)
        doms = {who: self.dom(who, name) for who in ("real", "ours")}
        # The listeners are registered once their first events arrive.
        for who in ("real", "ours"):
            doms[who].suspend()
            self.next_event(who, EV_SUSPENDED)
            doms[who].resume()
            self.next_event(who, EV_RESUMED)
        for _ in range(self.n(30)):
            for who in self.whos():
                d = doms[who]
                t0 = time.monotonic_ns()
                d.suspend()
                d.resume()
                self.add("api_susres_" + who, us_since(t0))
                self.next_event(who, EV_SUSPENDED)
                self.next_event(who, EV_RESUMED)
        for _ in range(self.n(30)):
            for who in self.whos():
                d = doms[who]
                t0 = time.monotonic_ns()
                d.suspend()
                tr = us_since(t0)
                self.add("api_event_" + who, (self.next_event(who, EV_SUSPENDED) - t0) / 1e3)
                self.add("api_suspend_" + who, tr)
                d.resume()
                self.next_event(who, EV_RESUMED)
        for who in ("real", "ours"):
            self.emit("api_susres_" + who)
            self.emit("api_suspend_" + who)
            self.emit("api_event_" + who)
            doms[who].destroy()

    def close(self):
        for p in self.listeners.values():
            p.kill()
            p.wait()
        for c in self.conn.values():
            try:
                c.close()
            except libvirt.libvirtError:
                pass


def listener(uri, name):
    libvirt.virEventRegisterDefaultImpl()
    conn = libvirt.open(uri)

    def lifecycle(conn, dom, event, detail, opaque):
        t = time.monotonic_ns()
        if dom.name() == name:
            sys.stdout.write("%d %d\n" % (event, t))
            sys.stdout.flush()

    conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, lifecycle, None)
    print("ready", flush=True)
    while True:
        libvirt.virEventRunDefaultImpl()


def main(argv):
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    if len(argv) == 4 and argv[1] == "_listen":
        return listener(argv[2], argv[3])
    if len(argv) < 10 or argv[8] != "--":
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    b = Bench(argv[1], argv[2], argv[3], argv[4], argv[5], argv[6], float(argv[7]), argv[9:])
    try:
        say("open")
        b.opens()
        b.virsh_noop()
        for who in ("real", "ours"):
            b.conn[who].defineXML(b.xml(who, "b0001"))
        say("list --all, 1 domain")
        b.lists(1)
        say("start and destroy")
        b.start_destroy()
        say("suspend, resume and events")
        b.boot("b0001")
        b.suspend_resume_events("b0001")
        say("list --all, 100 domains")
        b.define(2, 100)
        b.lists(100)
        say("list --all, 1000 domains")
        b.define(101, 1000)
        b.lists(1000)
        b.list_floor(1000)
    finally:
        b.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
