#!/usr/bin/python3
"""virt-install, virt-clone and virt-xml with disks in a storage pool: ours against real libvirtd 9.0.

Run through with-daemons.sh (REAL_SOCK, OURS_SOCK):
  LIBVIRTD=build/src/libvirtd tests/integration/with-daemons.sh \
      /usr/bin/python3 tests/integration/virtinst-storage.py

Debian's virt-install with --disk size=1,pool=default-pool (the XML it
prints, and a real install: the volume allocated in the pool, the domain
created), then virt-clone --auto-clone of a shut-off domain whose disk is a
volume of default-pool, defined by a connection held open meanwhile (so the
tools' own connections share its test:///default), and what that
connection sees afterwards; then virt-xml --add-device --disk of a new
volume in the pool on "test" (its diff printed, then done). Each daemon must give what real gives, after
normalizing only random UUIDs and MAC addresses.
"""

import os
import re
import subprocess
import sys

import shutil

import libvirt

failures = []

SRC = ("<domain type='test'><name>src</name><memory>65536</memory><vcpu>1</vcpu>"
       "<os><type>hvm</type></os><devices><disk type='file' device='disk'>"
       "<driver name='qemu' type='raw'/><source file='/default-pool/src.img'/>"
       "<target dev='vda' bus='virtio'/></disk></devices></domain>")
VIR_INACTIVE = 2  # VIR_DOMAIN_XML_INACTIVE
VOL = "<volume><name>src.img</name><capacity unit='M'>100</capacity></volume>"


def check(name, expected, got):
    if expected == got:
        print("ok   %s: %r" % (name, got))
    else:
        print("FAIL %s: expected %r, got %r" % (name, expected, got))
        failures.append(name)


def uri(sock):
    return "test+unix:///default?socket=%s" % sock


def normalize(text):
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<UUID>", text)
    return re.sub(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", "<MAC>", text)


def run(args):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=120, env=dict(os.environ, LC_ALL="C", HOME=os.environ.get(
                           "IT_HOME", "/tmp")))
    return (p.returncode, normalize(p.stdout))


def scenario(sock):
    out = []
    install = ["virt-install", "--connect", uri(sock), "--name", "x", "--memory", "64",
               "--disk", "size=1,pool=default-pool", "--import", "--os-variant", "generic",
               "--noautoconsole"]
    out.append(("virt-install --print-xml", run(install + ["--print-xml"])))
    out.append(("virt-install", run(install)))

    a = libvirt.open(uri(sock))
    a.storagePoolLookupByName("default-pool").createXML(VOL, 0)
    a.defineXML(SRC)
    out.append(("virt-clone --print-xml",
                run(["virt-clone", "--connect", uri(sock), "--original", "src",
                     "--auto-clone", "--print-xml"])))
    out.append(("virt-clone", run(["virt-clone", "--connect", uri(sock), "--original", "src",
                                   "--auto-clone"])))
    out.append(("domains after the clone", sorted(d.name() for d in a.listAllDomains())))
    pool = a.storagePoolLookupByName("default-pool")
    out.append(("volumes after the clone",
                sorted((v.name(), v.info()) for v in pool.listAllVolumes())))
    out.append(("pool after the clone", pool.info()))
    clone = a.lookupByName("src-clone")
    out.append(("the clone's disk", normalize(clone.XMLDesc(0)).count("/default-pool/src-clone.img")))
    del clone, pool
    xml = ["virt-xml", "--connect", uri(sock), "test", "--add-device", "--disk"]
    out.append(("virt-xml --add-device --disk --print-diff",
                run(xml + ["/default-pool/added.img,size=1", "--print-diff"])))
    out.append(("virt-xml --add-device --disk", run(xml + ["size=1,pool=default-pool"])))
    out.append(("test's disks after virt-xml",
                normalize(a.lookupByName("test").XMLDesc(VIR_INACTIVE)).count("<disk ")))
    a.close()
    return out


def main():
    if not all(shutil.which(t) for t in ("virt-install", "virt-clone", "virt-xml")):
        print("virtinst not installed: skipped")
        return 77
    libvirt.registerErrorHandler(lambda c, e: None, None)
    real = scenario(os.environ["REAL_SOCK"])
    ours = scenario(os.environ["OURS_SOCK"])
    for (name, r), (_, o) in zip(real, ours):
        check("same as real: " + name, r, o)
    got = dict(real)
    check("real: virt-install completed", 0, got["virt-install"][0])
    check("real: virt-install allocated in the pool", True,
          "/default-pool/x.qcow2" in got["virt-install --print-xml"][1])
    check("real: virt-clone made the clone", ["src", "src-clone", "test"],
          got["domains after the clone"])
    check("real: virt-xml added the disk", 0, got["virt-xml --add-device --disk"][0])
    if failures:
        print("%d failure(s): %s" % (len(failures), ", ".join(failures)))
        return 1
    print("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
