#!/usr/bin/python3
"""python3-libvirt's host-level calls against our libvirtd and real
libvirtd 9.0: each must have the same outcome on both (the same value, or
the same error code, domain and message), on the read-write and read-only
sockets of test:///default and on a node file.

Run through with-daemons.sh, which sets REAL_SOCK, OURS_SOCK (and _RO):
  LIBVIRTD=build/src/libvirtd tests/integration/with-daemons.sh \\
      /usr/bin/python3 tests/integration/python-host.py
"""

import os
import random
import sys

import libvirt

DATA = os.environ.get("TEST_DATA") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "data")
HASWELL = "<cpu><arch>x86_64</arch><model>Haswell</model></cpu>"
SANDY = ("<cpu><arch>x86_64</arch><model>SandyBridge</model>"
         "<feature name='vmx'/><feature name='pdpe1gb'/></cpu>")
HASWELL_INTEL = "<cpu><arch>x86_64</arch><model>Haswell</model><vendor>Intel</vendor></cpu>"
POWER8 = "<cpu><arch>ppc64</arch><model>POWER8</model><vendor>IBM</vendor></cpu>"
A53 = "<cpu><arch>aarch64</arch><model>cortex-a53</model><feature name='sve'/></cpu>"
OPTERON_AMD = "<cpu><arch>x86_64</arch><model>Opteron_G3</model><vendor>AMD</vendor></cpu>"

libvirt.registerErrorHandler(lambda ctx, err: None, None)


X86_MODELS = ["486", "pentium2", "core2duo", "kvm64", "qemu64", "Nehalem", "Westmere",
              "SandyBridge", "IvyBridge-IBRS", "Haswell", "Broadwell-noTSX", "Skylake-Client",
              "Skylake-Server-noTSX-IBRS", "Icelake-Server", "Cooperlake", "Snowridge",
              "Opteron_G2", "Opteron_G4", "EPYC", "EPYC-Rome", "EPYC-Milan", "Dhyana"]
EXTRA = ["vmx", "svm", "aes", "pdpe1gb", "abm", "avx512f", "sse4a", "popcnt", "x2apic",
         "invtsc", "smap", "mmxext"]


def random_baselines(count):
    """Sets of host CPUs to baseline, the same every run."""
    rnd = random.Random(17)
    sets = []
    for _ in range(count):
        vendor = rnd.choice([None, None, "Intel", "AMD"])
        cpus = []
        for _ in range(rnd.choice([1, 2, 2, 3])):
            cpus.append("<cpu><arch>x86_64</arch><model>%s</model>%s%s</cpu>" % (
                rnd.choice(X86_MODELS), "<vendor>%s</vendor>" % vendor if vendor else "",
                "".join("<feature name='%s'/>" % f for f in rnd.sample(EXTRA, rnd.randint(0, 3)))))
        sets.append((cpus, rnd.choice([0, 1])))
    return sets


def calls(c):
    """(name, function) pairs, each called once per connection."""
    baselines = [("baselineCPU(random %d)" % i, lambda b=b: c.baselineCPU(b[0], b[1]))
                 for i, b in enumerate(random_baselines(40))]
    return baselines + [
        ("getFreeMemory", c.getFreeMemory),
        ("getCPUMap", c.getCPUMap),
        ("getCPUStats(all)", lambda: c.getCPUStats(-1)),
        ("getCPUStats(0)", lambda: c.getCPUStats(0)),
        ("getCPUStats(99)", lambda: c.getCPUStats(99)),
        ("getMemoryStats(all)", lambda: c.getMemoryStats(-1)),
        ("getMemoryStats(0)", lambda: c.getMemoryStats(0)),
        ("getCellsFreeMemory(0, 2)", lambda: c.getCellsFreeMemory(0, 2)),
        ("getCellsFreeMemory(1, 5)", lambda: c.getCellsFreeMemory(1, 5)),
        ("getCellsFreeMemory(5, 1)", lambda: c.getCellsFreeMemory(5, 1)),
        ("getFreePages", lambda: c.getFreePages([4, 2048], 0, 2)),
        ("getCPUModelNames(x86_64)", lambda: c.getCPUModelNames("x86_64")),
        ("getCPUModelNames(ppc64le)", lambda: c.getCPUModelNames("ppc64le")),
        ("getCPUModelNames(aarch64)", lambda: c.getCPUModelNames("aarch64")),
        ("getCPUModelNames(riscv64)", lambda: c.getCPUModelNames("riscv64")),
        ("getCPUModelNames(arm)", lambda: c.getCPUModelNames("arm")),
        ("getCPUModelNames(flags)", lambda: c.getCPUModelNames("x86_64", 1)),
        ("getMemoryParameters", c.getMemoryParameters),
        ("setMemoryParameters", lambda: c.setMemoryParameters({"shm_pages_to_scan": 5})),
        ("getSEVInfo", c.getSEVInfo),
        ("allocPages", lambda: c.allocPages({2048: 1}, 0, 1)),
        ("suspendForDuration", lambda: c.suspendForDuration(0, 60)),
        ("baselineCPU", lambda: c.baselineCPU([HASWELL])),
        ("baselineCPU(two)", lambda: c.baselineCPU([HASWELL, SANDY])),
        ("baselineCPU(expand)", lambda: c.baselineCPU([HASWELL, SANDY], 1)),
        ("baselineCPU(migratable)", lambda: c.baselineCPU([HASWELL], 2)),
        ("baselineCPU(vendors)", lambda: c.baselineCPU([HASWELL_INTEL, OPTERON_AMD])),
        ("baselineCPU(no arch)", lambda: c.baselineCPU(["<cpu><model>Haswell</model></cpu>"])),
        ("baselineCPU(bad model)", lambda: c.baselineCPU([HASWELL.replace("Haswell", "Bogus")])),
        ("baselineCPU(not xml)", lambda: c.baselineCPU(["<cpu>"])),
        ("baselineCPU(not a cpu)", lambda: c.baselineCPU(["<domain/>"])),
        ("baselineCPU(ppc64)", lambda: c.baselineCPU([POWER8, POWER8])),
        ("baselineCPU(ppc64, two models)", lambda: c.baselineCPU([POWER8, POWER8.replace("8", "9")])),
        ("baselineCPU(ppc64, unknown model)", lambda: c.baselineCPU([POWER8.replace("8", "X")])),
        ("baselineCPU(aarch64)", lambda: c.baselineCPU([A53, A53.replace("53", "57")])),
        ("baselineCPU(s390x)", lambda: c.baselineCPU(["<cpu><arch>s390x</arch><model>z13</model></cpu>"])),
        ("baselineCPU(riscv64)", lambda: c.baselineCPU(["<cpu><arch>riscv64</arch><model>x</model></cpu>"])),
        ("baselineCPU(ppc64 and x86)", lambda: c.baselineCPU([POWER8, HASWELL])),
        ("compareCPU", lambda: c.compareCPU(HASWELL)),
        ("compareHypervisorCPU",
         lambda: c.compareHypervisorCPU(None, None, None, None, HASWELL)),
        ("baselineHypervisorCPU",
         lambda: c.baselineHypervisorCPU(None, None, None, None, [HASWELL])),
        ("getDomainCapabilities", c.getDomainCapabilities),
        ("setIdentity", lambda: c.setIdentity({"user-name": "alice", "unix-user-id": 1000})),
        ("setIdentity(unknown key)", lambda: c.setIdentity({"colour": "blue"})),
    ]


def outcome(f):
    try:
        return ("ok", f())
    except libvirt.libvirtError as e:
        return ("error", e.get_error_code(), e.get_error_domain(), e.get_error_message())


def run(uri, read_only):
    conn = libvirt.openReadOnly(uri) if read_only else libvirt.open(uri)
    try:
        return [(name, outcome(f)) for name, f in calls(conn)]
    finally:
        conn.close()


def main():
    node = os.path.abspath(os.path.join(DATA, "node-interop.xml"))
    setups = [
        ("default", "test+unix:///default?socket=%s", "REAL_SOCK", "OURS_SOCK", False),
        ("read-only", "test+unix:///default?socket=%s", "REAL_SOCK_RO", "OURS_SOCK_RO", True),
        ("node file", "test+unix://" + node + "?socket=%s", "REAL_SOCK", "OURS_SOCK", False),
    ]
    failures = total = 0
    for what, uri, real, ours, read_only in setups:
        real_out = run(uri % os.environ[real], read_only)
        ours_out = run(uri % os.environ[ours], read_only)
        for (name, want), (_, got) in zip(real_out, ours_out):
            total += 1
            if want == got:
                print("ok   %s: %s: %.100r" % (what, name, want))
            else:
                failures += 1
                print("FAIL %s: %s: real %r, ours %r" % (what, name, want, got))
    print("python host calls: %d/%d the same" % (total - failures, total))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
