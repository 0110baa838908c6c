#!/usr/bin/python3
"""Writes client/virsh/help.txt from an installed real virsh 9.0's help.

Usage: import-virsh-help.py OUR_VIRSH [REAL_VIRSH] > client/virsh/help.txt

For every command our virsh carries (its `help` listing), the group it
belongs to in real virsh's `help`, real's description and the help text of
each option, keyed by the option's name; the synopsis and the option
columns are not taken: our virsh renders them from its own option tables,
so a difference in an option's type shows in the help test
(tests/client/virsh-help.py), which compares with real virsh live.
"""
import re
import subprocess
import sys


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout


def esc(text):
    """One line: \\ and \\n escaped, trailing spaces as \\s (kept by editors)."""
    text = text.replace("\\", "\\\\").replace("\n", "\\n")
    body = text.rstrip(" ")
    return body + "\\s" * (len(text) - len(body))


def main():
    ours = sys.argv[1]
    real = sys.argv[2] if len(sys.argv) > 2 else "virsh"
    carried = set()
    for line in run(ours, "help").splitlines():
        m = re.match(r"^    (\S+) ", line)
        if m:
            carried.add(m.group(1))  # the "unknown" group's too
    out = ["# Real virsh 9.0's help texts for the commands our virsh carries",
           "# (scripts/import-virsh-help.py wrote it; gen-help.py compiles it).",
           "# group KEYWORD TITLE / cmd NAME GROUP / desc TEXT / opt NAME HELP",
           "# (\\n in a text is a line break, \\s a trailing space)."]
    groups, order = [], []
    group = None
    for line in run(real, "help").splitlines():
        m = re.match(r"^ (.*) \(help keyword '(\S+)'\):$", line)
        if m:
            group = m.group(2)
            groups.append((group, m.group(1)))
            continue
        m = re.match(r"^    (\S+) ", line)
        if m and m.group(1) in carried:
            order.append((m.group(1), group))
    for kw, title in groups:
        out.append(f"group {kw} {title}")
    for name, kw in order:
        text = run(real, "help", name)
        out.append(f"cmd {name} {kw}")
        # The description is what lies between its heading and the blank
        # line before OPTIONS (or the end); it may hold blank and
        # unindented lines of its own.
        m = re.search(r"\n  DESCRIPTION\n    (.*?)\n\n(?:  OPTIONS\n|\n$)", text, re.S)
        if m:
            out.append("desc " + esc(m.group(1)))
        opts = []
        m = re.search(r"\n  OPTIONS\n(.*)\n\n\n$", text, re.S)
        for line in (m.group(1).split("\n") if m else []):
            if not line.startswith("    "):
                opts[-1][1] += "\n" + line
                continue
            spec, _, hlp = line[4:].partition("  ")
            m = re.match(r"^\[?(?:--)?<?([A-Za-z0-9_-]+)", spec)
            opts.append([m.group(1), hlp.lstrip(" ")])
        out += [f"opt {n} {esc(h)}" for n, h in opts]
    missing = carried - {n for n, _ in order}
    if missing:
        sys.exit("not in real virsh's listing: " + " ".join(sorted(missing)))
    print("\n".join(out))


main()
