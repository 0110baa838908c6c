#!/usr/bin/python3
"""Our virsh's help against real virsh 9.0's, live: `help CMD` for every
command our virsh carries, `help GROUP` for every group it carries a
command of, and `help` itself, each compared byte for byte (stdout, stderr,
exit status), real's listings cut to the commands we carry. `help` of a group we carry nothing of lists it empty; an
unknown name gets real's error. Exits 77 without real virsh 9.0."""
import os
import re
import shutil
import subprocess
import sys

OURS = os.environ.get("VIRSH_OURS", "build/client/virsh/virsh")
REAL = shutil.which("virsh")


def run(virsh, *args):
    # help needs no connection; a URI that cannot be reached proves it.
    env = dict(os.environ, LC_ALL="C", VIRSH_DEFAULT_CONNECT_URI="test:///nonexistent")
    # meson points LD_LIBRARY_PATH at our libvirt.so: real virsh gets its own.
    if virsh == REAL:
        env.pop("LD_LIBRARY_PATH", None)
    p = subprocess.run([virsh, *args], capture_output=True, text=True, env=env, timeout=30)
    return p.returncode, p.stdout, p.stderr


def carried_only(text, cmds):
    """Real's listing cut to the commands we carry, groups left empty by
    that dropped."""
    blocks = text.split("\n\n")
    out = []
    for block in blocks:
        lines = [l for l in block.split("\n")
                 if not re.match(r"^    \S+ ", l) or l.split()[0] in cmds]
        if (len(lines) == 1 and lines[0].endswith("'):")
                and len(block.split("\n")) > 1):
            continue
        out.append("\n".join(lines))
    return "\n\n".join(out)


def main():
    if not REAL or run(REAL, "--version")[1].strip() != "9.0.0":
        print("SKIP: real virsh 9.0 not installed")
        return 77
    listing = run(OURS, "help")[1]
    cmds = re.findall(r"^    (\S+) ", listing, re.M)
    groups = re.findall(r"\(help keyword '(\S+)'\):$", listing, re.M)
    real_groups = re.findall(r"\(help keyword '(\S+)'\):$", run(REAL, "help")[1], re.M)
    lines = [[c] for c in cmds] + [[g] for g in groups] + [[], ["no-such-command"]]
    failed = 0
    for args in lines:
        ours, real = run(OURS, "help", *args), run(REAL, "help", *args)
        if args and args[0] in groups or not args:
            real = (real[0], carried_only(real[1], set(cmds)), real[2])
        if ours != real:
            failed += 1
            print(f"DIFF help {' '.join(args)}: real {real!r}\n  ours {ours!r}")
    for g in sorted(set(real_groups) - set(groups)):
        rc, out, _ = run(OURS, "help", g)
        if rc != 0 or not out.startswith(" ") or f"'{g}'" not in out:
            failed += 1
            print(f"DIFF help {g}: ours does not list the group empty: {out!r}")
    total = len(lines) + len(set(real_groups) - set(groups))
    print(f"{total - failed}/{total} help lines identical to real virsh "
          f"({len(cmds)} commands, {len(groups)} groups)")
    return 1 if failed else 0


sys.exit(main())
