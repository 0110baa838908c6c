#!/usr/bin/python3
"""import-symbol-versions.py [LIBVIRT_SO] > client/libvirt.syms

Writes the linker version script of our libvirt.so from the facts in a real
libvirt.so.0's dynamic section (Debian's libvirt0 9.0 by default): each
public function in the version node real libvirt gives it (LIBVIRT_0.0.3 ...
LIBVIRT_9.0.0, each node inheriting the one before, as in real), so that a
program linked against ours binds the same versioned names it would bind
against real libvirt and runs on either library, and one linked against
real's finds the versions it needs in ours. The whole public API is listed:
a function we do not have is simply absent from ours, and one we add later
gets its version without another import. Of real's private node
(LIBVIRT_PRIVATE_*) only the names given with --private are kept, the
internals our own virsh calls (virStreamInData). Everything else stays
local. Reads `readelf -W -V --dyn-syms` (binutils)."""
import re
import subprocess
import sys

args = sys.argv[1:]
private = set()
while "--private" in args:
    i = args.index("--private")
    private.add(args[i + 1])
    del args[i:i + 2]
lib = args[0] if args else "/usr/lib/x86_64-linux-gnu/libvirt.so.0"

out = subprocess.run(["readelf", "-W", "-V", "--dyn-syms", lib], check=True,
                     capture_output=True, text=True).stdout

# Version definitions, in their order, with their parent.
nodes, parent = [], {}
last = None
for line in out.split("\n"):
    m = re.search(r"Index: \d+\s+Cnt: \d+\s+Name: (\S+)", line)
    if m:
        last = m.group(1)
        if "Flags: BASE" not in line:
            nodes.append(last)
        continue
    m = re.search(r"Parent 1: (\S+)", line)
    if m and last:
        parent[last] = m.group(1)

# Defined functions and data with their version (NAME@@VERSION).
syms = {}
for line in out.split("\n"):
    f = line.split()
    if len(f) >= 8 and f[6] != "UND" and "@@" in f[7]:
        name, ver = f[7].split("@@", 1)
        if name.startswith("vir"):
            syms.setdefault(ver, []).append(name)

print("/* The version nodes of libvirt 9.0's libvirt.so.0, written by")
print(" * scripts/import-symbol-versions.py from Debian's libvirt0 (facts: which")
print(" * release each public function belongs to). Only the public API leaves")
print(" * our libvirt.so; rpc/ and client/ internals stay local. */")
first = True
for n in nodes:
    names = sorted(syms.get(n, []))
    if n.startswith("LIBVIRT_PRIVATE"):
        names = [s for s in names if s in private]
    elif not n.startswith("LIBVIRT_"):
        continue
    print("")
    print("%s {" % n)
    if names:
        print("    global:")
        for s in names:
            print("        %s;" % s)
    if first:
        print("    local:")
        print("        *;")
        first = False
    if n in parent and not n.startswith("LIBVIRT_PRIVATE"):
        print("} %s;" % parent[n])
    else:
        print("};")
