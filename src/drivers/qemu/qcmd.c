/* qcmd: see qcmd.h. */
#include "qcmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/domain_xml.h"
#include "error.h"
#include "uuid.h"

int qcmd_validate(const struct dx_def *def)
{
    const char *why = NULL;

    if (strcmp(def->virt_type, "qemu") != 0 && strcmp(def->virt_type, "kvm") != 0)
        why = "only domain types qemu and kvm";
    else if (def->ndisks || def->nnets || def->ngraphics || def->kept_devices.n)
        why = "disks, interfaces, graphics and other devices are not supported yet";
    for (size_t i = 0; !why && i < def->nserials; i++)
        if (strcmp(def->serials[i].type, "file") != 0 && strcmp(def->serials[i].type, "pty") != 0)
            why = "serial ports of type file or pty only";
    if (why) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU, "%s", why);
        return -1;
    }
    return 0;
}

struct args {
    char **v;
    size_t n;
    int failed;
};

__attribute__((format(printf, 2, 3))) static void add(struct args *a, const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    char **g = realloc(a->v, (a->n + 2) * sizeof(char *));

    if (!g) {
        a->failed = 1;
        return;
    }
    a->v = g;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    if (!s) {
        a->failed = 1;
        return;
    }
    a->v[a->n++] = s;
    a->v[a->n] = NULL;
}

int qcmd_build(const struct dx_def *def, int monitor_fd, char ***argv, size_t *argc)
{
    struct args a = {0};
    char uuid[37];
    const char *machine = def->machine && strcmp(def->machine, "pc") != 0 ? def->machine
                                                                          : "pc-i440fx-7.2";

    uuid_format(def->uuid, uuid);
    add(&a, "%s", def->emulator ? def->emulator : "/usr/bin/qemu-system-x86_64");
    add(&a, "-name");
    add(&a, "guest=%s,debug-threads=on", def->name);
    add(&a, "-S");
    add(&a, "-machine");
    add(&a, "%s,usb=off,dump-guest-core=off", machine);
    add(&a, "-accel");
    add(&a, "%s", strcmp(def->virt_type, "kvm") == 0 ? "kvm" : "tcg");
    add(&a, "-m");
    add(&a, "%llu", (unsigned long long)(def->max_kib / 1024));
    add(&a, "-smp");
    add(&a, "%u,sockets=%u,cores=1,threads=1", def->vcpus, def->vcpus_max);
    add(&a, "-uuid");
    add(&a, "%s", uuid);
    add(&a, "-display");
    add(&a, "none");
    add(&a, "-no-user-config");
    add(&a, "-nodefaults");
    add(&a, "-chardev");
    add(&a, "socket,id=charmonitor,fd=%d,server=on,wait=off", monitor_fd);
    add(&a, "-mon");
    add(&a, "chardev=charmonitor,id=monitor,mode=control");
    add(&a, "-rtc");
    add(&a, "base=utc");
    add(&a, "-no-shutdown");
    add(&a, "-boot");
    add(&a, "strict=on");
    if (def->kernel) {
        add(&a, "-kernel");
        add(&a, "%s", def->kernel);
    }
    if (def->initrd) {
        add(&a, "-initrd");
        add(&a, "%s", def->initrd);
    }
    if (def->cmdline) {
        add(&a, "-append");
        add(&a, "%s", def->cmdline);
    }
    for (size_t i = 0; i < def->nserials; i++) {
        const struct dx_chr *s = &def->serials[i];
        add(&a, "-chardev");
        if (strcmp(s->type, "file") == 0)
            add(&a, "file,id=charserial%zu,path=%s,append=on", i, s->path ? s->path : "");
        else
            add(&a, "pty,id=charserial%zu", i);
        add(&a, "-device");
        add(&a, "{\"driver\":\"isa-serial\",\"chardev\":\"charserial%zu\",\"id\":\"serial%zu\","
                "\"index\":%d}",
            i, i, s->port < 0 ? (int)i : s->port);
    }
    add(&a, "-msg");
    add(&a, "timestamp=on");
    if (a.failed) {
        for (size_t i = 0; i < a.n; i++)
            free(a.v[i]);
        free(a.v);
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        return -1;
    }
    *argv = a.v;
    *argc = a.n;
    return 0;
}
