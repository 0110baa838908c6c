"""Process helpers shared by the tests that watch our daemon's processes
(storm.py, tests/qemu/crash.py)."""
import os


def libvirtd_children(pid):
    """The live libvirtd processes whose parent is pid (the socket
    activator, xinetd, libvirtd --listen), oldest first."""
    kids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read().rsplit(")", 1)[1].split()
            with open("/proc/%s/comm" % d) as f:
                comm = f.read().strip()
        except (OSError, IndexError):
            continue
        if int(st[1]) == pid and st[0] != "Z" and comm.startswith("libvirtd"):
            kids.append((int(st[19]), int(d)))
    return [p for _, p in sorted(kids)]
