#!/usr/bin/python3
"""console.py URI NAME: real virsh's `console` on a running payload guest,
as a person uses it on a terminal (a pty), printed as a transcript that
tests/qemu/console.sh compares between real libvirtd and ours.

CONSOLE_VIRSH names the virsh to run (default: real virsh on PATH); the
resume always goes through real virsh. The domain NAME must be defined and started paused (`start --paused`), so
that the console is open before the guest boots and its marker cannot be
missed. The steps:
  1. `virsh console NAME` on a pty: what it prints on connecting;
  2. a second `virsh console NAME` while the first is open: refused;
  3. `virsh console --force NAME` takes the console over: the first one
     ends with libvirt's error;
  4. `virsh resume NAME`; the guest's boot marker arrives on the forced
     console; a line typed there reaches the guest, which echoes it;
     Ctrl+] ends the console: virsh's exit status;
  5. a new console after that connects again (then Ctrl+]).
Every wait is bounded (20 s).
"""
import os
import pty
import select
import subprocess
import sys
import time

MARKER = b"qemu-payload: up"
TIMEOUT = 20


class Console:
    def __init__(self, uri, name, *opts):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ["LC_ALL"] = "C"
            virsh = os.environ.get("CONSOLE_VIRSH", "virsh")
            os.execvp(virsh, [virsh, "-c", uri, "console", name] + list(opts))
        self.out = b""
        self.status = None

    def read_until(self, what, timeout=TIMEOUT):
        end = time.monotonic() + timeout
        while what not in self.out and time.monotonic() < end:
            r, _, _ = select.select([self.fd], [], [], 0.2)
            if r:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    break
                if not data:
                    break
                self.out += data
        return what in self.out

    def send(self, data):
        os.write(self.fd, data)

    def wait(self, timeout=TIMEOUT):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.read_until(b"\0never", timeout=0.2)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        self.status = "killed"
        return self.status


def lines(out):
    """What virsh itself printed, without the guest's boot chatter."""
    keep = []
    for line in out.replace(b"\r", b"").decode(errors="replace").split("\n"):
        if line.startswith(("Connected to domain", "Escape character", "error:")):
            # The terminal echoes a Ctrl+] typed before virsh made it raw.
            keep.append(line.replace("^]^]", "^]"))
    return keep


def main(argv):
    uri, name = argv[1], argv[2]
    say = print

    first = Console(uri, name)
    say("connect:", first.read_until(b"Escape character is"))
    # Let the stream open before the second console asks.
    time.sleep(1)

    second = Console(uri, name)
    say("second console exits:", second.wait())
    say("second console says:", lines(second.out))

    forced = Console(uri, name, "--force")
    say("forced console connects:", forced.read_until(b"Escape character is"))
    say("first console exits:", first.wait())
    say("first console says:", lines(first.out))

    subprocess.run(["virsh", "-q", "-c", uri, "resume", name], check=False,
                   stdout=subprocess.DEVNULL, timeout=60)
    say("marker:", forced.read_until(MARKER))
    forced.send(b"hello console\r")
    say("echo:", forced.read_until(b"qemu-payload: got hello console"))
    forced.send(b"\x1d")
    say("forced console exits:", forced.wait())
    say("forced console says:", lines(forced.out))

    again = Console(uri, name)
    say("again connects:", again.read_until(b"Escape character is"))
    time.sleep(0.5)
    again.send(b"\x1d")
    say("again exits:", again.wait())
    say("again says:", lines(again.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
