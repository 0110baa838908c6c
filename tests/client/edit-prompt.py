#!/usr/bin/python3
"""Real virsh's "Failed. Try again? [y,n,i,f,?]:" in the edit commands,
real virsh 9.0 and ours side by side on a terminal (a pty): for each line
below, both virshes run it against the same daemon (real libvirtd, then
ours; with-daemons.sh starts them) with an editor script, answer the
question with the same keys, and must show the user the same bytes and
end with the same exit status. Keys go one at a time, each once the
question is on the screen.

Run by with-daemons.sh (REAL_SOCK, OURS_SOCK); OUR_VIRSH is our virsh."""
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

OURS = os.environ.get("OUR_VIRSH", "build/client/virsh/virsh")
REAL = shutil.which("virsh")

# The editor: "bad" writes XML that does not parse; "bad-once" does so the
# first time and puts the object's own XML back the second time (so that
# the second edit is no change at all, which real virsh compares with the
# object's XML, not with the first edit).
EDITOR = """#!/bin/sh
f=$1
case $EDIT_MODE in
bad) echo '<domain' >"$f" ;;
bad-once)
    if [ -f "$EDIT_STATE" ]; then cp "$EDIT_STATE" "$f"; rm -f "$EDIT_STATE"
    else cp "$f" "$EDIT_STATE"; echo '<domain' >"$f"; fi ;;
esac
"""

# (mode, keys, command line)
LINES = [
    ("bad", "?n", "edit test"),
    ("bad", "xify?n", "edit test"),
    ("bad", "i?n", "edit test --skip-validate"),
    ("bad-once", "y", "edit test"),
    ("bad", "?fn", "net-edit default"),
    ("bad", "yN", "pool-edit default-pool"),
    ("bad", "?n", "snapshot-create-as test s1; snapshot-edit test s1; snapshot-delete test s1"),
    ("bad", "fn", "metadata test --edit --uri http://example.org/x --key x"),
]

PROMPT = re.compile(rb"\]: $")
# On a terminal libvirt.so starts polkit's pkttyagent for real virsh, which
# says this on stderr when no polkit daemon runs (ours starts no agent).
POLKIT = b"Authorization not available. Check if polkit service is running or see debug message for more information.\r\n"


def drive(virsh, uri, line, keys, env):
    """What the terminal shows and the exit status of virsh -c uri line."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execve(virsh, [virsh, "-c", uri, line], env)
        finally:
            os._exit(127)
    out, pending, deadline = b"", list(keys), time.time() + 30
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            out += data
        elif pending and PROMPT.search(out):
            os.write(fd, pending.pop(0).encode())
            out += b"<" + b"KEY" + b">"  # where each key went in
    else:
        os.kill(pid, signal.SIGKILL)
        out += b" [hung]"
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return out, os.waitstatus_to_exitcode(status), pending


def main():
    if not REAL:
        print("SKIP: real virsh not installed")
        return 77
    tmp = tempfile.mkdtemp(prefix="edit-prompt-")
    try:
        editor = os.path.join(tmp, "editor.sh")
        with open(editor, "w") as f:
            f.write(EDITOR)
        os.chmod(editor, 0o755)
        failed = total = 0
        for daemon in ("REAL_SOCK", "OURS_SOCK"):
            uri = f"test+unix:///default?socket={os.environ[daemon]}"
            for mode, keys, line in LINES:
                env = {"PATH": os.environ["PATH"], "HOME": tmp, "TERM": "dumb", "LC_ALL": "C",
                       "EDITOR": editor, "EDIT_MODE": mode,
                       "EDIT_STATE": os.path.join(tmp, "state.xml")}
                seen = {}
                for name, virsh in (("real", REAL), ("ours", OURS)):
                    out, rc, left = drive(virsh, uri, line, keys, env)
                    seen[name] = (out.replace(POLKIT, b""), rc, left)
                total += 1
                what = f"{daemon}: {line!r} keys {keys!r}"
                if seen["real"][2]:
                    failed += 1
                    print(f"FAIL {what}: real virsh did not ask for {seen['real'][2]}")
                elif seen["real"] != seen["ours"]:
                    failed += 1
                    print(f"FAIL {what}\n  real {seen['real'][:2]!r}\n  ours {seen['ours'][:2]!r}")
                else:
                    print(f"ok   {what}: {seen['ours'][0]!r} exit {seen['ours'][1]}")
        print(f"{total - failed}/{total} edit sessions on a terminal identical to real virsh")
        return 1 if failed else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


sys.exit(main())
