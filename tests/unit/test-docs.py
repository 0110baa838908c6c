#!/usr/bin/env python3
"""docs/security.md's lists of the procedures a read-only connection may
and may not call, against rpc/procedures.txt, so the two cannot drift:
every implemented procedure's API is in exactly the list its ACCESS column
puts it in. Usage: test-docs.py procedures.txt security.md"""
import re
import sys


def table(path):
    allowed, refused = set(), set()
    for line in open(path):
        f = line.split('#', 1)[0].split()
        if len(f) == 7 and f[4] != '-' and f[2] != '-':
            (refused if f[6].startswith('w') else allowed).add(f[2])
    return allowed, refused


def docs(path):
    text = open(path).read()
    section = text.split('### Read-only procedures', 1)[1].split('\n## ', 1)[0]
    before, after = section.split('Every other procedure', 1)
    names = lambda t: set(re.findall(r'`(vir[A-Za-z]+)`', t))
    return names(before), names(after)


def main():
    want_allowed, want_refused = table(sys.argv[1])
    got_allowed, got_refused = docs(sys.argv[2])
    bad = 0
    for what, want, got in (('allowed read-only', want_allowed, got_allowed),
                            ('refused read-only', want_refused, got_refused)):
        for api in sorted(want - got):
            print('FAIL %s: %s is missing from docs/security.md' % (what, api))
            bad += 1
        for api in sorted(got - want):
            print('FAIL %s: docs/security.md lists %s, procedures.txt does not' % (what, api))
            bad += 1
    print('read-only lists: %d allowed, %d refused, %d differences' %
          (len(want_allowed), len(want_refused), bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
