/* qemu-xml-tool: the QEMU driver's domain XML and command line for one
 * file, printed the way real virsh and libvirtd show them, for
 * tests/qemu/qemu-xml.sh to compare with real libvirt 9.0's.
 *
 *   qemu-xml-tool [OPTIONS] inactive|live|argv|migratable-inactive|migratable-live FILE
 *
 * inactive: what `virsh define FILE; virsh dumpxml --inactive` prints;
 * live: what `virsh start; virsh dumpxml` prints, for the run described
 * by the options; argv: the command line as libvirtd logs it;
 * migratable-inactive and migratable-live: those two with --migratable.
 * As a define
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
#include "drivers/qemu/migratable.h"
#include "error.h"
#include "env.h"

#define MAX_LIST 16

/* Prints the error as virsh would and frees def (NULL: nothing). */
static int refuse(struct dx_def *def)
{
    printf("error: %s\n", error_last_message());
    fflush(stdout);
    dx_def_free(def);
    test_env_free();
    return 1;
}

int main(int argc, char **argv)
{
    const struct dx_env *env = &test_env;
    const char *ptys[MAX_LIST] = {0}, *taps[MAX_LIST] = {0};
    size_t nptys = 0, ntaps = 0;
    struct dx_live live = {.id = 1};
    const char *libdir = "/var/lib/libvirt/qemu/domain-1-x";
    int first_fd = 17, i;

    for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        const char *o = argv[i], *v = argv[i + 1];
        int ok = 1;
        if (strcmp(o, "-M") == 0) {
            ok = test_env_add_alias(v) == 0;
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
            ok = 0;
        }
        if (!ok) {
            fprintf(stderr, "qemu-xml-tool: bad option %s %s\n", o, v);
            return 2;
        }
    }
    if (i + 2 != argc) {
        fprintf(stderr, "usage: qemu-xml-tool [OPTIONS] inactive|live|argv|migratable-inactive|"
                        "migratable-live FILE\n");
        return 2;
    }
    const char *mode = argv[i];
    char *xml = test_read_file(argv[i + 1]);
    if (!xml) {
        fprintf(stderr, "qemu-xml-tool: %s: %s\n", argv[i + 1], strerror(errno));
        return 2;
    }

    /* virsh define: parse, validate, store the formatted definition. */
    struct dx_def *def = dx_def_parse_string_env(xml, env);
    free(xml);
    if (!def || qemu_validate(def, QEMU_VALIDATE_DEFINE) < 0)
        return refuse(def);
    char *inactive = dx_def_format(def, -1);
    dx_def_free(def);
    if (!inactive)
        return refuse(NULL);
    /* What is stored reads back as itself. */
    def = dx_def_parse_string_env(inactive, env);
    char *again = def ? dx_def_format(def, -1) : NULL;
    if (!again || strcmp(again, inactive) != 0) {
        fprintf(stderr, "qemu-xml-tool: the defined XML does not read back as itself:\n%s\n",
                again ? again : error_last_message());
        return 2;
    }
    free(again);
    if (strcmp(mode, "inactive") == 0 || strcmp(mode, "migratable-inactive") == 0) {
        char *m = mode[0] == 'm' ? qemu_xml_migratable(inactive, NULL) : NULL;
        fputs(mode[0] == 'm' ? (m ? m : "") : inactive, stdout);
        free(m);
        free(inactive);
        dx_def_free(def);
        return 0;
    }

    /* virsh start: the stored definition, validated for a start. */
    if (qemu_validate(def, QEMU_VALIDATE_START) < 0) {
        free(inactive);
        return refuse(def);
    }
    int ret = 0;
    /* The run's facts, per device in def's order. */
    const char *serial_ptys[MAX_LIST] = {0}, *net_ifnames[MAX_LIST] = {0};
    for (size_t k = 0, p = 0; k < def->nserials && k < MAX_LIST; k++)
        if (strcmp(def->serials[k].type, "pty") == 0 && p < nptys)
            serial_ptys[k] = ptys[p++];
    for (size_t k = 0, t = 0; k < def->nnets && k < MAX_LIST; k++)
        if (strcmp(def->nets[k].type, "ethernet") == 0 && t < ntaps)
            net_ifnames[k] = taps[t++];
    if (strcmp(mode, "live") == 0 || strcmp(mode, "migratable-live") == 0) {
        live.serial_ptys = serial_ptys;
        live.net_ifnames = net_ifnames;
        char *s = dx_def_format_live(def, &live);
        if (!s) {
            free(inactive);
            return refuse(def);
        }
        if (mode[0] == 'm') {
            char *m = qemu_xml_migratable(s, inactive);
            free(s);
            s = m;
        }
        fputs(s ? s : "", stdout);
        free(s);
    } else if (strcmp(mode, "argv") == 0) {
        struct qemu_file *files;
        size_t nfiles;
        int fds[MAX_LIST], tap_fds[MAX_LIST];
        char key[4096];
        struct qemu_command cmd;
        if (qemu_command_files(def, &files, &nfiles) < 0)
            return refuse(def);
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
            return refuse(def);
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
    free(inactive);
    dx_def_free(def);
    test_env_free();
    return ret;
}
