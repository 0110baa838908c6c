#!/usr/bin/python3
"""mkinitramfs.py ROOT OUT.gz [NODE...]: packs the tree ROOT into a gzipped
newc cpio archive, the format the kernel unpacks as its initramfs.

Each NODE is PATH:c:MAJOR:MINOR, a character device added to the archive
(such as dev/console:c:5:1, which the kernel opens for init's stdio before
any devtmpfs is mounted); a device node needs no root when it is only
written into an archive.

The archive is reproducible: entries are sorted, owned by root, dated 0,
and the gzip header carries no time or name, so the same tree gives the
same bytes.
"""
import gzip
import os
import stat
import sys

NEWC_MAGIC = b"070701"


def header(ino, mode, size, nlink, rdev, name):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0,
              os.major(rdev) if rdev else 0, os.minor(rdev) if rdev else 0,
              len(name) + 1, 0]
    return NEWC_MAGIC + b"".join(b"%08x" % f for f in fields)


def pad4(n):
    return b"\0" * (-n % 4)


def entry(out, ino, mode, name, data=b"", rdev=0):
    name_b = name.encode()
    nlink = 2 if stat.S_ISDIR(mode) else 1
    head = header(ino, mode, len(data), nlink, rdev, name_b) + name_b + b"\0"
    out.write(head + pad4(len(head)))
    out.write(data + pad4(len(data)))


def walk(root):
    """Yields (archive name, lstat) for everything under root, parents first."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        for name in sorted(dirnames + filenames):
            path = os.path.join(dirpath, name)
            arcname = name if rel == "." else os.path.join(rel, name)
            yield arcname, path, os.lstat(path)


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: mkinitramfs.py ROOT OUT.gz [PATH:c:MAJOR:MINOR...]")
    root, out_path, nodes = argv[1], argv[2], argv[3:]
    ino = 0
    with open(out_path, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                          compresslevel=9) as out:
        for arcname, path, st in walk(root):
            ino += 1
            perm = stat.S_IMODE(st.st_mode)
            if stat.S_ISDIR(st.st_mode):
                entry(out, ino, stat.S_IFDIR | perm, arcname)
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    entry(out, ino, stat.S_IFREG | perm, arcname, f.read())
            elif stat.S_ISLNK(st.st_mode):
                entry(out, ino, stat.S_IFLNK | 0o777, arcname,
                      os.readlink(path).encode())
            else:
                sys.exit("mkinitramfs.py: %s: not a file, directory or link" % path)
        for node in nodes:
            try:
                name, kind, major, minor = node.split(":")
                if kind != "c":
                    raise ValueError
                rdev = os.makedev(int(major), int(minor))
            except ValueError:
                sys.exit("mkinitramfs.py: bad node %r (want PATH:c:MAJOR:MINOR)" % node)
            ino += 1
            entry(out, ino, stat.S_IFCHR | 0o600, name, rdev=rdev)
        entry(out, 0, 0, "TRAILER!!!")


if __name__ == "__main__":
    main(sys.argv)
