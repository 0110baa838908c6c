#!/usr/bin/env python3
"""The one procedure table (rpc/procedures.txt) turned into code at build
time. Nothing it writes is committed.

  gen-procedures.py enum    procedures.txt OUT.x
      enum remote_procedure, appended to remote_protocol.x for rpcgen
  gen-procedures.py table   procedures.txt OUT.c
      procedure_table[]: number, name, API, error domain, access flags
  gen-procedures.py ops     procedures.txt remote_protocol.x OUT.h
      the drivers' per-object operation tables (struct drv_domain_ops ...)
  gen-procedures.py server  procedures.txt remote_protocol.x OUT.c
      the daemon's sorted dispatch table and the handler of every
      procedure whose SERVER column is "gen"
  gen-procedures.py handlers procedures.txt remote_protocol.x OUT.h
      the prototypes of the handlers written by hand
  gen-procedures.py client  procedures.txt remote_protocol.x libvirt.h OUT.c
      the public API function of every procedure whose CLIENT column is
      "gen"

procedures.txt has one line per procedure of libvirt 9.0's remote program:

  NUM NAME API MODULE [SERVER CLIENT ACCESS]

SERVER and CLIENT are "gen" (generated here), "hand" (written by hand:
src/dispatch.c's h_NAME, client/*.c) or "-" (not implemented). On the
server, "op" is a handler written by hand that calls a generated driver
operation after a check of its own. ACCESS is "w" (changes state: refused
on a read-only connection), "r" (only reads: may be sent again after a
reconnect) or "o" (allowed read-only, not to be repeated: event
registrations), and a trailing "n" when it is allowed before CONNECT_OPEN.
A procedure's argument and reply types are libvirt's names,
remote_NAME_args and remote_NAME_ret, when remote_protocol.x has them.
"""
import re
import sys

# The error domain (virErrorDomain) each API source module reports in, and
# the driver operation table its procedures go to.
MODULES = {
    'libvirt-host': (20, 'host'),
    'libvirt-domain': (20, 'domain'),
    'libvirt-storage': (18, 'storage'),
    'libvirt-network': (19, 'network'),
    'libvirt-nodedev': (22, 'nodedev'),
    'libvirt-interface': (26, 'interface'),
    'libvirt-secret': (30, 'secret'),
    'libvirt-nwfilter': (33, 'nwfilter'),
    'libvirt-domain-snapshot': (35, 'snapshot'),
    'libvirt-domain-checkpoint': (69, 'checkpoint'),
}

HEADER = '/* Generated from rpc/procedures.txt by rpc/gen-procedures.py: do not edit. */\n'


class Proc:
    def __init__(self, num, name, api, module, server='-', client='-', access='-'):
        self.num, self.name, self.api, self.module = int(num), name, api, module
        self.server, self.client = server, client
        self.write = access.startswith('w')
        self.resend = access.startswith('r')
        self.no_conn = access.endswith('n')
        self.lower = name.lower()
        self.args = self.ret = None

    @property
    def implemented(self):
        return self.server != '-'

    def domain(self):
        return MODULES[self.module][0] if self.module in MODULES else 0

    def table(self):
        return MODULES[self.module][1]


def fail(msg):
    sys.exit('gen-procedures.py: ' + msg)


def read_procedures(path):
    procs, seen = [], set()
    for lineno, line in enumerate(open(path), 1):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        f = line.split()
        if len(f) not in (4, 7):
            fail('%s:%d: expected 4 or 7 columns, got %d' % (path, lineno, len(f)))
        p = Proc(*f)
        if p.num in seen:
            fail('%s:%d: procedure %d twice' % (path, lineno, p.num))
        seen.add(p.num)
        if p.server not in ('-', 'gen', 'hand', 'op') or p.client not in ('-', 'gen', 'hand'):
            fail('%s:%d: SERVER is gen, op, hand or -; CLIENT is gen, hand or -' %
                 (path, lineno))
        if len(f) == 7 and not re.fullmatch(r'[wro]n?', f[6]):
            fail('%s:%d: ACCESS is w, r or o, with n after it when allowed unopened' %
                 (path, lineno))
        if p.server in ('gen', 'op') and p.module not in MODULES:
            fail('%s:%d: module %s has no driver operation table' % (path, lineno, p.module))
        procs.append(p)
    procs.sort(key=lambda p: p.num)
    return procs


# ---- remote_protocol.x: just enough of XDR's language for struct fields ----

def read_structs(path):
    """{struct name: [(type, field, decl)]} where decl is '', '[N]' or '<N>'."""
    text = re.sub(r'/\*.*?\*/', '', open(path).read(), flags=re.S)
    structs = {}
    for m in re.finditer(r'struct\s+(\w+)\s*\{(.*?)\};', text, re.S):
        fields = []
        for decl in m.group(2).split(';'):
            decl = ' '.join(decl.split())
            if not decl:
                continue
            fm = re.fullmatch(r'(.+?)\s*(\*?)\s*(\w+)\s*(\[\w+\]|<\w*>)?', decl)
            if not fm:
                fail('cannot read field "%s" of %s' % (decl, m.group(1)))
            fields.append((fm.group(1) + fm.group(2), fm.group(3), fm.group(4) or ''))
        structs[m.group(1)] = fields
    return structs


def attach_types(procs, structs):
    for p in procs:
        a, r = 'remote_%s_args' % p.lower, 'remote_%s_ret' % p.lower
        p.args = a if a in structs else None
        p.ret = r if r in structs else None


def xdr(t):
    return '(xdrproc_t)xdr_%s, sizeof(%s)' % (t, t) if t else 'NULL, 0'


# ---- enum and table ----

def gen_enum(procs, out):
    out.write(HEADER)
    out.write('enum remote_procedure {\n')
    out.write(',\n'.join('    REMOTE_PROC_%s = %d' % (p.name, p.num) for p in procs))
    out.write('\n};\n')


def access_flags(p):
    flags = [f for f, on in (('PROC_WRITE', p.write), ('PROC_RESEND', p.resend),
                             ('PROC_NO_CONN', p.no_conn)) if on]
    return ' | '.join(flags) or '0'


def gen_table(procs, out):
    out.write(HEADER)
    out.write('#include <stddef.h>\n\n#include "procedures.h"\n\n')
    out.write('const struct procedure_info procedure_table[] = {\n')
    for p in procs:
        api = '"%s"' % p.api if p.api != '-' else 'NULL'
        out.write('    {%d, "%s", %s, %d, %s},\n' % (p.num, p.name, api, p.domain(),
                                                    access_flags(p)))
    out.write('};\n\nconst unsigned int procedure_table_len = %d;\n' % len(procs))


# ---- the daemon: driver operation tables and the dispatch table ----

def op_proto(p, name='(*%s)'):
    params = ['struct drv_conn *conn']
    if p.args:
        params.append('const %s *args' % p.args)
    if p.ret:
        params.append('%s *ret' % p.ret)
    return 'int %s(%s)' % (name % p.lower, ', '.join(params))


def with_ops(procs):
    return [p for p in procs if p.server in ('gen', 'op')]


def gen_ops(procs, out):
    out.write(HEADER)
    out.write('''/* The drivers' operations, one table per kind of object. An operation
 * takes the procedure's decoded arguments and fills its reply (both as
 * rpcgen declares them; the reply is zeroed, and what the operation puts
 * in it is freed by the dispatcher after sending). It returns 0, or -1
 * with the error recorded (rpc/error.h). A NULL table or operation answers
 * libvirt's "this function is not supported by the connection driver". */
#ifndef DRIVER_OPS_H
#define DRIVER_OPS_H

#include "remote_protocol.h"

struct drv_conn;
''')
    tables = {}
    for p in with_ops(procs):
        tables.setdefault(p.table(), []).append(p)
    for t, ps in tables.items():
        out.write('\nstruct drv_%s_ops {\n' % t)
        for p in ps:
            out.write('    %s;\n' % op_proto(p))
        out.write('};\n')
    out.write('\n#endif\n')


def gen_handlers(procs, out):
    out.write(HEADER)
    out.write('/* The handlers src/dispatch.c writes by hand (SERVER hand or op). */\n')
    out.write('#ifndef DISPATCH_HANDLERS_H\n#define DISPATCH_HANDLERS_H\n\n')
    out.write('struct session;\n\n')
    for p in procs:
        if p.server in ('hand', 'op'):
            out.write('int h_%s(struct session *s, void *args, void *ret);\n' % p.lower)
    out.write('\n#endif\n')


def gen_server(procs, out):
    impl = [p for p in procs if p.implemented]
    out.write(HEADER)
    out.write('#include "dispatch-handlers.h"\n#include "dispatch-table.h"\n')
    for p in impl:
        if p.server != 'gen':
            continue
        call = ['session_conn(s)'] + (['args'] if p.args else []) + (['ret'] if p.ret else [])
        out.write('''
static int g_%(l)s(struct session *s, void *args, void *ret)
{
    const struct drv_%(t)s_ops *ops = session_driver(s)->%(t)s;

    (void)args;
    (void)ret;
    if (!ops || !ops->%(l)s)
        return dispatch_unsupported(REMOTE_PROC_%(n)s);
    return ops->%(l)s(%(call)s);
}
''' % {'l': p.lower, 't': p.table(), 'n': p.name, 'call': ', '.join(call)})
    out.write('\n/* Sorted by procedure number: dispatch finds an entry by bisection. */\n')
    out.write('const struct dispatch_entry dispatch_table[] = {\n')
    for p in impl:
        handler = ('g_' if p.server == 'gen' else 'h_') + p.lower
        api = '"%s"' % p.api if p.api != '-' else 'NULL'
        out.write('    {REMOTE_PROC_%s, %s, %s, %s, %s, %s},\n' %
                  (p.name, api, xdr(p.args), xdr(p.ret), handler, access_flags(p)))
    out.write('};\n\nconst size_t dispatch_table_len = %d;\n' % len(impl))
    for p in impl:
        for t in (p.args, p.ret):
            if t:
                out.write('_Static_assert(sizeof(%s) <= DISPATCH_BODY_MAX, "%s");\n' % (t, t))


# ---- the client: public API functions from libvirt.h's prototypes ----

def read_prototypes(path):
    text = re.sub(r'/\*.*?\*/', '', open(path).read(), flags=re.S)
    protos = {}
    for m in re.finditer(r'([A-Za-z_][\w \*]*?)\s*\b(vir\w+)\s*\(([^;{]*?)\)\s*;', text, re.S):
        ret = ' '.join(m.group(1).split())
        params = []
        for decl in m.group(3).split(','):
            decl = ' '.join(decl.split())
            pm = re.fullmatch(r'(.*?[\s\*])(\w+)', decl)
            if decl and decl != 'void' and pm:
                params.append((pm.group(1).strip(), pm.group(2)))
        protos[m.group(2)] = (ret, params)
    return protos


# The handles a generated function may take first: the check at its top,
# and how an argument struct's field names the object on the wire (a
# domain, an interface, a network, a pool and a volume as their wire
# structs, a node device by name). A handle among the other parameters goes
# the same way.
OBJECTS = {
    'virConnectPtr': ('CHECK_CONN', None),
    'virDomainPtr': ('CHECK_DOM', ('remote_nonnull_domain', 'dom', 'wire_dom(%s)')),
    'virNodeDevicePtr': ('CHECK_NODEDEV', ('remote_nonnull_string', 'name', '%s->name')),
    'virInterfacePtr': ('CHECK_IFACE', ('remote_nonnull_interface', 'iface', 'wire_iface(%s)')),
    'virStoragePoolPtr': ('CHECK_POOL', ('remote_nonnull_storage_pool', 'pool', 'wire_pool(%s)')),
    'virStorageVolPtr': ('CHECK_VOL', ('remote_nonnull_storage_vol', 'vol', 'wire_vol(%s)')),
    'virNetworkPtr': ('CHECK_NET', ('remote_nonnull_network', 'net', 'wire_net(%s)')),
}

# Reply fields that are handles: the function that makes one of them.
RETURNED = {
    'remote_nonnull_domain': 'dom_from_ret',
    'remote_nonnull_node_device': 'nodedev_from_ret',
    'remote_nonnull_interface': 'iface_from_ret',
    'remote_nonnull_storage_pool': 'pool_from_ret',
    'remote_nonnull_storage_vol': 'vol_from_ret',
    'remote_nonnull_network': 'net_from_ret',
}


def fail_value(ret):
    if ret.endswith('*') or ret.endswith('Ptr'):
        return 'NULL'
    return '0' if ret.startswith('unsigned') else '-1'


def gen_client_stub(p, structs, protos):
    if p.api not in protos:
        fail('%s: no prototype for %s in libvirt.h' % (p.name, p.api))
    rtype, params = protos[p.api]
    if not params or params[0][0] not in OBJECTS:
        fail('%s: the first parameter of %s is not a connection or a handle' % (p.name, p.api))
    obj = params[0][1]
    conn = obj if params[0][0] == 'virConnectPtr' else obj + '->conn'
    byname = {n: t for t, n in params[1:]}
    used = set()
    failv = fail_value(rtype)
    body, decls = [], []
    check, wire = OBJECTS[params[0][0]]
    body.append('    %s(%s, %s);' % (check, obj, failv))
    if p.write:
        body.append('    CHECK_WRITE(%s, %s);' % (conn, failv))
    if p.args:
        decls.append('    %s a;' % p.args)
        for ftype, fname, _ in structs[p.args]:
            if wire and (ftype, fname) == wire[:2] and fname not in byname:
                body.append('    a.%s = %s;' % (fname, wire[2] % obj))
            elif (byname.get(fname) in OBJECTS and OBJECTS[byname[fname]][1] and
                  OBJECTS[byname[fname]][1][0] == ftype):
                body.append('    CHECK_ARG(%s, %s, %s);' % (conn, fname, failv))
                body.append('    a.%s = %s;' % (fname, OBJECTS[byname[fname]][1][2] % fname))
            elif fname in byname and ftype == 'remote_nonnull_string':
                body.append('    CHECK_ARG(%s, %s, %s);' % (conn, fname, failv))
                body.append('    a.%s = (char *)%s;' % (fname, fname))
            elif fname in byname and ftype == 'remote_string':
                decls.append('    char *%s_s = (char *)%s;' % (fname, fname))
                body.append('    a.%s = %s ? &%s_s : NULL;' % (fname, fname, fname))
            elif fname in byname and '*' not in byname[fname]:
                body.append('    a.%s = %s;' % (fname, fname))
            else:
                fail('%s: cannot fill %s.%s from %s' % (p.name, p.args, fname, p.api))
            used.add(fname)
    outs, returned = [], None
    if p.ret:
        decls.append('    %s r;' % p.ret)
        for ftype, fname, decl in structs[p.ret]:
            if fname in byname and byname[fname].endswith('*') and fname not in used:
                body.append('    CHECK_ARG(%s, %s, %s);' % (conn, fname, failv))
                outs.append('    *%s = r.%s;' % (fname, fname))
                used.add(fname)
            elif returned is None and not decl:
                returned = (ftype, fname)
            else:
                fail('%s: cannot hand %s.%s back from %s' % (p.name, p.ret, fname, p.api))
    left = [n for t, n in params[1:] if n not in used]
    if left:
        fail('%s: %s has parameters %s that the procedure does not carry' %
             (p.name, p.api, ', '.join(left)))
    if p.ret:
        body.append('    memset(&r, 0, sizeof(r));')
    call = ('    if (rpc(%s, REMOTE_PROC_%s,\n            %s, %s,\n            %s, %s) < 0)\n'
            '        return %s;') % (
        conn, p.name, ('XA(%s)' % p.args) if p.args else 'NULL', '&a' if p.args else 'NULL',
        ('XA(%s)' % p.ret) if p.ret else 'NULL', '&r' if p.ret else 'NULL', failv)
    body.append(call)
    body += outs
    if returned is None:
        if p.ret:
            body.append('    xdr_free(XA(%s), (char *)&r);' % p.ret)
        body.append('    return 0;')
    elif returned[0] in RETURNED:
        body.append('    return %s(%s, &r.%s, XA(%s), &r);' % (RETURNED[returned[0]], conn,
                                                            returned[1], p.ret))
    elif returned[0] == 'remote_nonnull_string':
        body.append('    return r.%s;' % returned[1])
    else:
        body.append('    return (%s)r.%s;' % (rtype, returned[1]))
    sig = '%s%s%s(%s)' % (rtype, '' if rtype.endswith('*') else ' ', p.api,
                          ', '.join('%s%s%s' % (t, '' if t.endswith('*') else ' ', n)
                                    for t, n in params))
    return '%s\n{\n%s\n\n%s\n}\n' % (sig, '\n'.join(decls), '\n'.join(body))


def gen_client(procs, structs, protos, out):
    out.write(HEADER)
    out.write('#include <string.h>\n\n#include "api.h"\n')
    for p in procs:
        if p.client == 'gen':
            out.write('\n' + gen_client_stub(p, structs, protos))


def main(argv):
    if len(argv) < 4:
        fail('usage: see the comment at the top')
    mode, procs = argv[1], read_procedures(argv[2])
    with open(argv[-1], 'w') as out:
        if mode == 'enum':
            gen_enum(procs, out)
        elif mode == 'table':
            gen_table(procs, out)
        else:
            structs = read_structs(argv[3])
            attach_types(procs, structs)
            if mode == 'ops':
                gen_ops(procs, out)
            elif mode == 'server':
                gen_server(procs, out)
            elif mode == 'handlers':
                gen_handlers(procs, out)
            elif mode == 'client':
                gen_client(procs, structs, read_prototypes(argv[4]), out)
            else:
                fail('unknown mode ' + mode)


if __name__ == '__main__':
    main(sys.argv)
