/* qemu-xml-tool: the QEMU driver's domain XML and command line for one
 * file, printed the way real virsh and libvirtd show them, for
 * tests/qemu/qemu-xml.sh to compare with real libvirt 9.0's.
 *
 *   qemu-xml-tool [OPTIONS] inactive|live|argv FILE
 *
 * inactive: what `virsh define FILE; virsh dumpxml --inactive` prints;
 * live: what `virsh start; virsh dumpxml` prints, for the run described
 * by the options; argv: the command line as libvirtd logs it. As a define
 * and a start do, live and argv read the defined XML again first. A
 * refusal prints "error: MESSAGE" (virsh's last line) and exits 1.
 *
 * Options: -M ALIAS=MACHINE (the emulator's machine aliases:
 * `qemu-system-x86_64 -machine help`), --id N, --pty PATH (per pty
 * serial, in order), --vnc-port P, --uid U, --gid G, --libdir DIR (the
 * domain's private directory), --fd N (the first fd number handed out),
 * --tap NAME (per ethernet interface, in order: the tap's name; its fd
 * is handed out after the serial files'). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/domain_xml.h"
#include "drivers/qemu/command.h"
#include "error.h"

#define MAX_ALIASES 64
#define MAX_LIST 16

static struct {
    const char *alias[MAX_ALIASES], *machine[MAX_ALIASES];
    size_t n;
} machines;

static char *env_arch(void *opaque, const char *virt_type)
{
    return strdup("x86_64");
}

static char *env_emulator(void *opaque, const char *virt_type, const char *arch)
{
    if (strcmp(arch, "x86_64") == 0)
        return strdup("/usr/bin/qemu-system-x86_64");
    if (strcmp(arch, "i686") == 0)
        return strdup("/usr/bin/qemu-system-i386");
    error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU, "No emulator found for arch '%s'", arch);
    return NULL;
}

static char *env_canonical(void *opaque, const char *emulator, const char *virt_type,
                           const char *arch, const char *machine)
{
    for (size_t i = 0; i < machines.n; i++)
        if (strcmp(machines.alias[i], machine) == 0)
            return strdup(machines.machine[i]);
    return strdup(machine);
}

static char *env_machine(void *opaque, const char *emulator, const char *virt_type,
                         const char *arch)
{
    return env_canonical(opaque, emulator, virt_type, arch, "pc");
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *s = NULL;
    size_t len = 0, cap = 0, n;

    if (!f)
        return NULL;
    do {
        if (len + 4096 + 1 > cap) {
            char *p = realloc(s, cap = len + 8192);
            if (!p) {
                free(s);
                fclose(f);
                return NULL;
            }
            s = p;
        }
        n = fread(s + len, 1, 4096, f);
        len += n;
    } while (n > 0);
    fclose(f);
    s[len] = '\0';
    return s;
}

static int refuse(void)
{
    printf("error: %s\n", error_last_message());
    return 1;
}

int main(int argc, char **argv)
{
    struct dx_env env = {
        .driver = DX_DRIVER_QEMU,
        .default_arch = env_arch,
        .default_emulator = env_emulator,
        .default_machine = env_machine,
        .canonical_machine = env_canonical,
    };
    const char *ptys[MAX_LIST] = {0}, *taps[MAX_LIST] = {0};
    size_t nptys = 0, ntaps = 0;
    struct dx_live live = {.id = 1};
    const char *libdir = "/var/lib/libvirt/qemu/domain-1-x";
    int first_fd = 17, i;

    for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        const char *o = argv[i], *v = argv[i + 1];
        if (strcmp(o, "-M") == 0 && strchr(v, '=') && machines.n < MAX_ALIASES) {
            char *copy = strdup(v), *eq = strchr(copy, '=');
            *eq = '\0';
            machines.alias[machines.n] = copy;
            machines.machine[machines.n++] = eq + 1;
        } else if (strcmp(o, "--id") == 0) {
            live.id = atoi(v);
        } else if (strcmp(o, "--pty") == 0 && nptys < MAX_LIST) {
            ptys[nptys++] = v;
        } else if (strcmp(o, "--vnc-port") == 0) {
            live.vnc_port = atoi(v);
        } else if (strcmp(o, "--uid") == 0) {
            live.uid = (unsigned int)atoi(v);
        } else if (strcmp(o, "--gid") == 0) {
            live.gid = (unsigned int)atoi(v);
        } else if (strcmp(o, "--libdir") == 0) {
            libdir = v;
        } else if (strcmp(o, "--fd") == 0) {
            first_fd = atoi(v);
        } else if (strcmp(o, "--tap") == 0 && ntaps < MAX_LIST) {
            taps[ntaps++] = v;
        } else {
            fprintf(stderr, "qemu-xml-tool: bad option %s\n", o);
            return 2;
        }
    }
    if (i + 2 != argc) {
        fprintf(stderr, "usage: qemu-xml-tool [OPTIONS] inactive|live|argv FILE\n");
        return 2;
    }
    const char *mode = argv[i];
    char *xml = read_file(argv[i + 1]);
    if (!xml) {
        fprintf(stderr, "qemu-xml-tool: %s: %s\n", argv[i + 1], strerror(errno));
        return 2;
    }

    /* virsh define: parse, validate, store the formatted definition. */
    struct dx_def *def = dx_def_parse_string_env(xml, &env);
    free(xml);
    if (!def || qemu_validate(def, QEMU_VALIDATE_DEFINE) < 0)
        return refuse();
    char *inactive = dx_def_format(def, -1);
    dx_def_free(def);
    if (!inactive)
        return refuse();
    /* What is stored reads back as itself. */
    def = dx_def_parse_string_env(inactive, &env);
    char *again = def ? dx_def_format(def, -1) : NULL;
    if (!again || strcmp(again, inactive) != 0) {
        fprintf(stderr, "qemu-xml-tool: the defined XML does not read back as itself:\n%s\n",
                again ? again : error_last_message());
        return 2;
    }
    free(again);
    if (strcmp(mode, "inactive") == 0) {
        fputs(inactive, stdout);
        free(inactive);
        dx_def_free(def);
        return 0;
    }
    free(inactive);

    /* virsh start: the stored definition, validated for a start. */
    if (qemu_validate(def, QEMU_VALIDATE_START) < 0)
        return refuse();
    int ret = 0;
    /* The run's facts, per device in def's order. */
    const char *serial_ptys[MAX_LIST] = {0}, *net_ifnames[MAX_LIST] = {0};
    for (size_t k = 0, p = 0; k < def->nserials && k < MAX_LIST; k++)
        if (strcmp(def->serials[k].type, "pty") == 0 && p < nptys)
            serial_ptys[k] = ptys[p++];
    for (size_t k = 0, t = 0; k < def->nnets && k < MAX_LIST; k++)
        if (strcmp(def->nets[k].type, "ethernet") == 0 && t < ntaps)
            net_ifnames[k] = taps[t++];
    if (strcmp(mode, "live") == 0) {
        live.serial_ptys = serial_ptys;
        live.net_ifnames = net_ifnames;
        char *s = dx_def_format_live(def, &live);
        if (!s)
            return refuse();
        fputs(s, stdout);
        free(s);
    } else if (strcmp(mode, "argv") == 0) {
        struct qemu_file *files;
        size_t nfiles;
        int fds[MAX_LIST], tap_fds[MAX_LIST];
        char key[4096];
        struct qemu_command cmd;
        if (qemu_command_files(def, &files, &nfiles) < 0)
            return refuse();
        for (size_t k = 0; k < nfiles && k < MAX_LIST; k++)
            fds[k] = first_fd++;
        free(files);
        for (size_t k = 0; k < def->nnets && k < MAX_LIST; k++)
            tap_fds[k] = net_ifnames[k] ? first_fd++ : -1;
        snprintf(key, sizeof(key), "%s/master-key.aes", libdir);
        struct qemu_start st = {
            .master_key = key,
            .monitor_fd = first_fd++,
            .file_fds = fds,
            .tap_fds = tap_fds,
            .vnc_port = live.vnc_port,
        };
        char **envp = qemu_command_env(libdir);
        if (qemu_command_build(def, &st, &cmd) < 0 || !envp) {
            qemu_command_free(&cmd);
            qemu_command_env_free(envp);
            return refuse();
        }
        char *s = qemu_command_format(envp, &cmd);
        fputs(s ? s : "", stdout);
        free(s);
        qemu_command_free(&cmd);
        qemu_command_env_free(envp);
    } else {
        fprintf(stderr, "qemu-xml-tool: unknown mode %s\n", mode);
        ret = 2;
    }
    dx_def_free(def);
    return ret;
}
