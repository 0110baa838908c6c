#!/usr/bin/python3
"""concurrency.py URI RUNDIR NAME... : clients at once, hammering domains.

Eight processes, each with its own connection (python3-libvirt, real
libvirt's client), call create, destroy, suspend, resume, info and state
on the given (defined) domains at random for a bounded time, while a
watcher checks, many times a second, that no domain ever has two QEMUs and
that every status file in RUNDIR (ours: RUN/NAME.xml) parses whole. Every
call must succeed or fail with one of libvirt's errors for the state the
domain was in. At the end every domain is destroyed and no QEMU of theirs
is left.
"""
import multiprocessing
import os
import random
import sys
import time
import xml.dom.minidom

import libvirt

WORKERS = 8
SECONDS = float(os.environ.get("CONCURRENCY_SECONDS", "20"))

# The errors libvirt gives for a call that lost a race: the domain was
# not in the state the call needs by the time it ran.
EXPECTED = {
    libvirt.VIR_ERR_OPERATION_INVALID: ("domain is already running", "domain is not running",
                                        "is already active"),
}


TEST_DIR = b""


def qemus(name):
    """pids of QEMU processes running guest NAME (zombies are gone ones)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv = f.read().split(b"\0")
            with open("/proc/%s/stat" % pid) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        # This test's own: its files are under the test directory (RUNDIR
        # is TESTDIR/ours/run/libvirt/qemu); other tests on the machine may
        # run a domain of the same name.
        if (state != "Z" and b"guest=%s,debug-threads=on" % name.encode() in argv
                and any(TEST_DIR in a for a in argv)):
            found.append(int(pid))
    return found


def worker(uri, names, seed, out):
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    random.seed(seed)
    conn = libvirt.open(uri)
    calls = errors = 0
    bad = []
    end = time.monotonic() + SECONDS
    while time.monotonic() < end:
        dom = conn.lookupByName(random.choice(names))
        op = random.choice(["create", "destroy", "suspend", "resume", "info", "info", "state"])
        calls += 1
        try:
            if op == "info":
                dom.info()
            elif op == "state":
                dom.state()
            else:
                getattr(dom, op)()
        except libvirt.libvirtError as e:
            errors += 1
            texts = EXPECTED.get(e.get_error_code(), ())
            if not any(t in str(e) for t in texts):
                bad.append("%s %s: code %d: %s" % (op, dom.name(), e.get_error_code(), e))
    conn.close()
    out.put((calls, errors, bad))


def watcher(names, rundir, stop, out):
    problems, samples = [], 0
    while not stop.is_set():
        samples += 1
        for n in names:
            q = qemus(n)
            if len(q) > 1:
                problems.append("two QEMUs for %s at once: %s" % (n, q))
            path = os.path.join(rundir, n + ".xml") if rundir else None
            if path:
                try:
                    with open(path) as f:
                        text = f.read()
                    if text:
                        xml.dom.minidom.parseString(text)
                    else:
                        problems.append("empty status file %s" % path)
                except FileNotFoundError:
                    pass
                except Exception as e:  # a torn file
                    problems.append("status file %s does not parse: %s" % (path, e))
        time.sleep(0.02)
    out.put((samples, problems[:20]))


def main():
    uri, rundir, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    global TEST_DIR
    TEST_DIR = (os.path.dirname(rundir.rsplit("/run/libvirt/qemu", 1)[0]) + "/").encode()
    # The errors are counted here, not printed by the library.
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    out = multiprocessing.Queue()
    stop = multiprocessing.Event()
    w = multiprocessing.Process(target=watcher, args=(names, rundir, stop, out))
    w.start()
    procs = [multiprocessing.Process(target=worker, args=(uri, names, i, out))
             for i in range(WORKERS)]
    for p in procs:
        p.start()
    results = [out.get(timeout=SECONDS + 120) for _ in procs]
    stop.set()
    samples, problems = out.get(timeout=30)
    for p in procs + [w]:
        p.join(30)
    calls = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    bad = [b for r in results for b in r[2]]

    conn = libvirt.open(uri)
    for n in names:
        d = conn.lookupByName(n)
        if d.isActive():
            d.destroy()
    left = [n for n in names if qemus(n)]
    deadline = time.monotonic() + 10
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = [n for n in names if qemus(n)]
    conn.close()

    ok = True
    print("concurrency: %d workers, %d calls in %.0f s, %d failed as libvirt says a raced call "
          "fails, %d watcher samples" % (WORKERS, calls, SECONDS, errors - len(bad), samples))
    for b in bad[:20]:
        ok = False
        print("FAIL unexpected error: %s" % b)
    for p in problems:
        ok = False
        print("FAIL %s" % p)
    if left:
        ok = False
        print("FAIL QEMU left running for %s" % left)
    if calls < WORKERS * 10:
        ok = False
        print("FAIL only %d calls were made" % calls)
    print("concurrency: %s" % ("every call succeeded or failed as libvirt does; never two QEMUs, "
                               "never a torn status file, none left" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
