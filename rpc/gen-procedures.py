#!/usr/bin/env python3
"""Turns rpc/procedures.txt into a C table: procedure number -> the public
API name and the error domain libvirt reports unsupported calls in."""
import sys

# The error domain (virErrorDomain) each API source module reports in.
MODULE_DOMAIN = {
    'libvirt-host': 0,
    'libvirt-domain': 20,
    'libvirt-storage': 18,
    'libvirt-network': 19,
    'libvirt-nodedev': 22,
    'libvirt-interface': 26,
    'libvirt-secret': 30,
    'libvirt-nwfilter': 33,
    'libvirt-domain-snapshot': 35,
    'libvirt-domain-checkpoint': 69,
}


def main(src, dst):
    rows = []
    for line in open(src):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        num, name, api, module = line.split()
        rows.append((int(num), name, api, module))
    rows.sort()
    with open(dst, 'w') as out:
        out.write('/* Generated from procedures.txt by gen-procedures.py. */\n')
        out.write('#include <stddef.h>\n\n#include "procedures.h"\n\n')
        out.write('const struct procedure_info procedure_table[] = {\n')
        for num, name, api, module in rows:
            if api == '-':
                out.write('    {%d, "%s", NULL, 0},\n' % (num, name))
            else:
                out.write('    {%d, "%s", "%s", %d},\n' % (num, name, api, MODULE_DOMAIN[module]))
        out.write('};\n\n')
        out.write('const unsigned int procedure_table_len = %d;\n' % len(rows))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
