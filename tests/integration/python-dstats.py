#!/usr/bin/python3
"""python3-libvirt's domain statistics and tuning calls against our
libvirtd, compared with real libvirtd 9.0 (test driver).

Run through with-daemons.sh, which sets REAL_SOCK and OURS_SOCK:
  LIBVIRTD=build/src/libvirtd tests/integration/with-daemons.sh \
      /usr/bin/python3 tests/integration/python-dstats.py

vcpus(), vcpuPinInfo(), emulatorPinInfo(), ioThreadInfo(), blockInfo(),
blockStats(), interfaceStats(), memoryParameters(), schedulerParameters()
and the other tuning calls, on test:///default's domain and on a defined
one, before and after changes, errors included; the counters the test
driver makes up from the time of day are compared by type only. Then a
change made on one connection must be seen by a second one open at the
same time (test:///default is shared).
"""

import os
import sys

import libvirt

DATA = os.environ.get("TEST_DATA") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "data")

failures = []


def uri(sock):
    return "test+unix:///default?socket=" + sock


def ticking(v):
    """A counter that ticks: only its type counts."""
    if isinstance(v, (list, tuple)):
        return [ticking(x) for x in v]
    return type(v).__name__


def call(out, name, f, tick=False):
    try:
        v = f()
        out[name] = ticking(v) if tick else v
    except libvirt.libvirtError as e:
        out[name] = ("error", e.get_error_code(), e.get_error_domain(), e.get_error_message())


def no_cpu_time(v):
    """vcpus(): the info tuples' cpuTime (index 2) ticks."""
    info, maps = v
    return [tuple(x[:2]) + (type(x[2]).__name__,) + tuple(x[3:]) for x in info], maps


def probe(conn, dom, out, prefix):
    p = prefix + "."
    call(out, p + "vcpus", lambda: no_cpu_time(dom.vcpus()))
    call(out, p + "vcpuPinInfo", lambda: dom.vcpuPinInfo(0))
    call(out, p + "vcpuPinInfo.config", lambda: dom.vcpuPinInfo(libvirt.VIR_DOMAIN_AFFECT_CONFIG))
    call(out, p + "emulatorPinInfo", lambda: dom.emulatorPinInfo())
    call(out, p + "ioThreadInfo", lambda: dom.ioThreadInfo())
    call(out, p + "blockInfo", lambda: dom.blockInfo(dom.name() == "test" and "vda" or "sda"))
    call(out, p + "blockInfo.missing", lambda: dom.blockInfo("hdz"))
    call(out, p + "blockStats", lambda: dom.blockStats(dom.name() == "test" and "vda" or "sdb"),
         tick=True)
    call(out, p + "blockStats.missing", lambda: dom.blockStats("hdz"))
    call(out, p + "interfaceStats",
         lambda: dom.interfaceStats(dom.name() == "test" and "testnet0" or "tap7"), tick=True)
    call(out, p + "interfaceStats.missing", lambda: dom.interfaceStats("vnet9"))
    call(out, p + "memoryParameters", lambda: dom.memoryParameters(0))
    call(out, p + "blkioParameters", lambda: dom.blkioParameters(0))
    call(out, p + "numaParameters", lambda: dom.numaParameters(0))
    call(out, p + "schedulerType", lambda: dom.schedulerType())
    call(out, p + "schedulerParameters", lambda: dom.schedulerParameters())
    call(out, p + "schedulerParametersFlags", lambda: dom.schedulerParametersFlags(0))
    call(out, p + "perfEvents", lambda: dom.perfEvents(0))
    call(out, p + "diskErrors", lambda: dom.diskErrors())
    call(out, p + "blockIoTune", lambda: dom.blockIoTune(dom.name() == "test" and "vda" or "sda", 0))
    call(out, p + "memoryStats", lambda: dom.memoryStats())
    call(out, p + "getCPUStats.total", lambda: dom.getCPUStats(True))
    call(out, p + "getCPUStats", lambda: dom.getCPUStats(False))
    call(out, p + "XMLDesc", lambda: dom.XMLDesc(0))


def scenario(sock):
    out = {}
    conn = libvirt.open(uri(sock))
    call(out, "getCPUMap", lambda: conn.getCPUMap())
    call(out, "getCPUMap.flags", lambda: conn.getCPUMap(1))
    test = conn.lookupByName("test")
    probe(conn, test, out, "test")
    call(out, "pinVcpu", lambda: test.pinVcpu(1, (False, True, False, True)))
    call(out, "pinVcpuFlags", lambda: test.pinVcpuFlags(0, (True,), 0))
    call(out, "pinVcpuFlags.config", lambda: test.pinVcpuFlags(0, (True,), 2))
    call(out, "pinEmulator", lambda: test.pinEmulator((False, False, True), 0))
    call(out, "pinEmulator.empty", lambda: test.pinEmulator((False,), 0))
    call(out, "addIOThread", lambda: test.addIOThread(5, 0))
    call(out, "pinIOThread", lambda: test.pinIOThread(5, (True, True, False, True), 0))
    call(out, "setMemoryParameters", lambda: test.setMemoryParameters(
        {"hard_limit": 500000, "swap_hard_limit": 600000}, 0))
    call(out, "setMemoryParameters.bad", lambda: test.setMemoryParameters(
        {"hard_limit": 700000}, 0))
    call(out, "setBlkioParameters", lambda: test.setBlkioParameters(
        {"weight": 250, "device_weight": "/dev/sda,100", "device_write_iops_sec": "/dev/sdb,7"}, 0))
    call(out, "setNumaParameters", lambda: test.setNumaParameters({"numa_nodeset": "0"}, 0))
    call(out, "setNumaParameters.bad", lambda: test.setNumaParameters({"numa_nodeset": "x"}, 0))
    call(out, "setPerfEvents", lambda: test.setPerfEvents({"cmt": True, "mbml": False}, 0))
    call(out, "setSchedulerParameters", lambda: test.setSchedulerParameters({"weight": 7}))
    call(out, "setSchedulerParametersFlags", lambda: test.setSchedulerParametersFlags(
        {"weight": 7}, 2))
    call(out, "setIOThreadParams", lambda: test.setIOThreadParams(5, {"poll_max_ns": 10}, 0))
    probe(conn, test, out, "test.after")
    with open(os.path.join(DATA, "domain-tuned.xml")) as f:
        tuned = conn.defineXML(f.read())
    probe(conn, tuned, out, "tuned")
    call(out, "tuned.delIOThread", lambda: tuned.delIOThread(1, 0))
    call(out, "tuned.delIOThread.missing", lambda: tuned.delIOThread(1, 0))
    call(out, "tuned.create", lambda: tuned.create())
    probe(conn, tuned, out, "tuned.running")
    # (sorted: real libvirt lists domains in its hash table's order)
    call(out, "domstats", lambda: sorted((d.name(), s) for d, s in conn.getAllDomainStats(
        libvirt.VIR_DOMAIN_STATS_STATE | libvirt.VIR_DOMAIN_STATS_IOTHREAD)))
    # A second connection open at the same time sees the changes.
    other = libvirt.open(uri(sock))
    call(out, "other.memoryParameters", lambda: other.lookupByName("test").memoryParameters(0))
    call(out, "other.vcpuPinInfo", lambda: other.lookupByName("test").vcpuPinInfo(0))
    call(out, "other.tuned.ioThreadInfo", lambda: other.lookupByName("tuned").ioThreadInfo(0))
    other.close()
    tuned.destroy()
    tuned.undefine()
    conn.close()
    return out


def main():
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    real = scenario(os.environ["REAL_SOCK"])
    ours = scenario(os.environ["OURS_SOCK"])
    for k in real:
        if real[k] == ours.get(k):
            print("ok   %s" % k)
        else:
            print("FAIL %s:\n  real %r\n  ours %r" % (k, real[k], ours.get(k)))
            failures.append(k)
    print("python-dstats: %d/%d identical" % (len(real) - len(failures), len(real)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
