#!/usr/bin/env python3
"""The QEMU driver's domain XML and command line against real libvirt 9.0's.

    qemu-xml.py TOOL DATA ORACLE CACHE

For each domain of DATA/*.xml (paths @PAYLOAD@ and @DIR@ filled in), real
libvirtd's QEMU driver (ORACLE/real-qemu.sh, started once) and
qemu-xml-tool (TOOL) must print the same: `virsh define` then `dumpxml
--inactive` (and with --migratable); `virsh start` then `dumpxml` (and
with --migratable); and the command line libvirtd
logs in NAME.log. Normalized only for what is random or the run's: a UUID
or MAC that the XML does not give (libvirt makes them up), fd numbers;
the run's facts (domain id, pty paths, VNC port, tap name) are read from
real's live XML and given to the tool. And that live XML defined again
(without its UUID) must give what real gives. DATA/refused/*.xml: real refuses
the define, and the tool must print real's error. DATA/unsupported/*.xml:
real defines them, this driver refuses them, with the message
in the file's "<!-- ours: ... -->" comment (a difference, documented in
docs/qemu.md).

Exit 77 (skipped) without real libvirtd, QEMU, root or the payload.
CACHE keeps the payload's packages and libvirt's capabilities between runs.
"""
import difflib
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

TOOL, DATA, ORACLE, CACHE = sys.argv[1:5]
UUID_RE = re.compile(r'[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}')
MAC_RE = re.compile(r'52:54:00(:[0-9a-f]{2}){3}')


def skip(why):
    print('SKIP:', why)
    sys.exit(77)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def need():
    for f in ('real-qemu.sh', 'payload.sh'):
        if not os.access(os.path.join(ORACLE, f), os.X_OK):
            skip('no %s in %s (the real libvirt oracle)' % (f, ORACLE))
    for p in ('virsh', 'qemu-system-x86_64', 'truncate'):
        if not shutil.which(p):
            skip(p + ' is not installed')
    if not os.access('/usr/sbin/libvirtd', os.X_OK):
        skip('real libvirtd is not installed')
    if os.geteuid() != 0:
        skip('the oracle runs as root')


class Oracle:
    def __init__(self, tmp):
        self.dir = os.path.join(tmp, 'real')
        env = dict(os.environ)
        env.setdefault('REAL_LIBVIRTD_CAPS_CACHE', os.path.join(CACHE, 'caps'))
        r = run([os.path.join(ORACLE, 'real-qemu.sh'), 'start', self.dir], env=env)
        if r.returncode != 0:
            print('FAIL: real libvirtd did not start:', r.stderr.strip())
            sys.exit(1)
        self.env = env
        self.uri = r.stdout.strip()

    def stop(self):
        run([os.path.join(ORACLE, 'real-qemu.sh'), 'stop', self.dir], env=self.env)

    def virsh(self, *args):
        return run(['virsh', '-q', '-c', self.uri] + list(args), stdin=subprocess.DEVNULL)

    def log(self, name):
        path = os.path.join(self.dir, 'var/log/libvirt/qemu', name + '.log')
        try:
            with open(path) as f:
                return f.read()
        except OSError:
            return ''


def command_of(log):
    """The command line of the last start in a domain's log."""
    lines = log.splitlines()
    starts = [i for i, l in enumerate(lines) if l == 'LC_ALL=C \\']
    if not starts:
        return ''
    out = []
    for l in lines[starts[-1]:]:
        out.append(l)
        if not l.endswith(' \\'):
            break
    return '\n'.join(out) + '\n'


def facts(live_xml, name):
    """The run's facts in real's live XML, as qemu-xml-tool options."""
    root = ET.fromstring(live_xml)
    dom_id = root.get('id')
    opts = ['--id', dom_id, '--libdir', '/var/lib/libvirt/qemu/domain-%s-%s' % (dom_id, name)]
    for s in root.findall('./devices/serial'):
        src = s.find('source')
        if s.get('type') == 'pty' and src is not None:
            opts += ['--pty', src.get('path')]
    for g in root.findall('./devices/graphics'):
        if g.get('type') == 'vnc':
            opts += ['--vnc-port', g.get('port')]
    for i in root.findall('./devices/interface'):
        t = i.find('target')
        if i.get('type') == 'ethernet' and t is not None:
            opts += ['--tap', t.get('dev')]
    return opts


def normalizer(xml_in):
    """What may differ: the UUID and MACs libvirt makes up, fd numbers."""
    random_uuid = '<uuid>' not in xml_in
    random_mac = xml_in.count('<mac ') < xml_in.count('<interface')

    def norm(text):
        if random_uuid:
            text = UUID_RE.sub('UUID', text)
        if random_mac:
            text = MAC_RE.sub('MAC', text)
        text = re.sub(r'\bfd=[0-9]+', 'fd=N', text)
        return re.sub(r'"fd":"[0-9]+"', '"fd":"N"', text)
    return norm


class Result:
    def __init__(self):
        self.passed, self.failed = [], []

    def check(self, what, want, got):
        if want == got:
            self.passed.append(what)
            return True
        self.failed.append(what)
        print('FAIL: %s differs from real libvirt (- real, + ours):' % what)
        sys.stdout.writelines(difflib.unified_diff(
            want.splitlines(True), got.splitlines(True), 'real', 'ours'))
        return False

    def fail(self, what, why):
        self.failed.append(what)
        print('FAIL: %s: %s' % (what, why))


def tool(*args):
    r = run([TOOL] + list(args))
    if r.returncode == 2:
        return 'tool failed: ' + r.stderr
    return r.stdout


def define_error(stderr):
    """virsh define's error, without its first line (which names the file)."""
    lines = stderr.strip('\n').split('\n')
    return '\n'.join(lines[1:]) + '\n' if len(lines) > 1 else stderr


def main():
    need()
    tmp = tempfile.mkdtemp(prefix='qxml-', dir='/var/tmp')
    os.chmod(tmp, 0o755)
    real = None
    try:
        os.makedirs(CACHE, exist_ok=True)
        payload = os.path.join(tmp, 'payload')
        r = run([os.path.join(ORACLE, 'payload.sh'), payload])
        if r.returncode != 0:
            print('FAIL: payload.sh could not build the guest:', r.stderr.strip())
            sys.exit(1)
        for f, size in (('disk1.img', '16M'), ('disk2.img', '16M'), ('cd.iso', '1M')):
            run(['truncate', '-s', size, os.path.join(tmp, f)])
        # A qcow2 image without a backing file (qemu-img: qemu-utils).
        run(['qemu-img', 'create', '-q', '-f', 'qcow2', os.path.join(tmp, 'disk3.qcow2'), '16M'])
        machines = []
        for l in run(['qemu-system-x86_64', '-machine', 'help']).stdout.splitlines():
            m = re.match(r'^(\S+)\s.*\(alias of (\S+)\)$', l)
            if m:
                machines += ['-M', '%s=%s' % m.groups()]
        real = Oracle(tmp)
        res = Result()

        def instance(path):
            with open(path) as f:
                text = f.read().replace('@PAYLOAD@', payload).replace('@DIR@', tmp)
            m = re.search(r'<name>(.*?)</name>', text)
            name = m.group(1) if m else ''
            inst = os.path.join(tmp, os.path.basename(path))
            with open(inst, 'w') as f:
                f.write(text)
            return text, name, inst

        for path in sorted(glob.glob(os.path.join(DATA, '*.xml'))):
            case = os.path.basename(path)[:-4]
            text, name, inst = instance(path)
            norm = normalizer(text)
            r = real.virsh('define', inst)
            if r.returncode != 0:
                res.fail(case, 'real libvirt refuses it: ' + r.stderr.strip())
                continue
            want = real.virsh('dumpxml', '--inactive', name).stdout
            res.check(case + ' inactive', norm(want), norm(tool(*machines, 'inactive', inst)))
            want = real.virsh('dumpxml', '--inactive', '--migratable', name).stdout
            res.check(case + ' inactive migratable', norm(want),
                      norm(tool(*machines, 'migratable-inactive', inst)))
            log_before = len(real.log(name))
            r = real.virsh('start', name)
            if r.returncode != 0:
                res.fail(case, 'real libvirt does not start it: ' + r.stderr.strip())
                real.virsh('undefine', name)
                continue
            live = real.virsh('dumpxml', name).stdout
            live_migratable = real.virsh('dumpxml', '--migratable', name).stdout
            command = command_of(real.log(name)[log_before:])
            real.virsh('destroy', name)
            real.virsh('undefine', name)
            opts = machines + facts(live, name)
            res.check(case + ' live', norm(live), norm(tool(*opts, 'live', inst)))
            res.check(case + ' live migratable', norm(live_migratable),
                      norm(tool(*opts, 'migratable-live', inst)))
            res.check(case + ' command line', norm(command), norm(tool(*opts, 'argv', inst)))

            # `virsh dumpxml` of the running domain, defined again (as
            # another domain): what is the run's is dropped, the rest kept.
            again = os.path.join(tmp, case + '-again.xml')
            with open(again, 'w') as f:
                f.write(re.sub(r'\n *<uuid>.*</uuid>', '',
                               live.replace('<name>%s</name>' % name,
                                            '<name>%s-again</name>' % name, 1)))
            r = real.virsh('define', again)
            if r.returncode != 0:
                res.fail(case + ' defined again', 'real libvirt refuses it: ' + r.stderr.strip())
                continue
            want = real.virsh('dumpxml', '--inactive', name + '-again').stdout
            real.virsh('undefine', name + '-again')
            norm_again = normalizer('<interface>' * (text.count('<interface') > 0))
            res.check(case + ' defined again', norm_again(norm(want)),
                      norm_again(norm(tool(*machines, 'inactive', again))))

        for path in sorted(glob.glob(os.path.join(DATA, 'refused', '*.xml'))):
            case = 'refused/' + os.path.basename(path)[:-4]
            text, name, inst = instance(path)
            r = real.virsh('define', inst)
            if r.returncode == 0:
                res.fail(case, 'real libvirt defines it')
                real.virsh('undefine', name)
                continue
            res.check(case, define_error(r.stderr), tool(*machines, 'argv', inst))

        for path in sorted(glob.glob(os.path.join(DATA, 'unsupported', '*.xml'))):
            case = 'unsupported/' + os.path.basename(path)[:-4]
            text, name, inst = instance(path)
            m = re.search(r'<!-- ours: (.*?) -->', text)
            r = real.virsh('define', inst)
            if r.returncode != 0:
                res.fail(case, 'real libvirt refuses it too: ' + r.stderr.strip())
                continue
            real.virsh('undefine', name)
            if not m:
                res.fail(case, 'no "<!-- ours: MESSAGE -->" comment')
                continue
            res.check(case, 'error: %s\n' % m.group(1), tool(*machines, 'argv', inst))

        print('%d of %d identical to real libvirt 9.0%s' % (
            len(res.passed), len(res.passed) + len(res.failed),
            '' if not res.failed else '; differing: ' + ', '.join(res.failed)))
        return 1 if res.failed else 0
    finally:
        if real:
            real.stop()
        shutil.rmtree(tmp, ignore_errors=True)


sys.exit(main())
