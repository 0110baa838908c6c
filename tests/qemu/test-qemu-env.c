/* test-qemu-env: the host facts the QEMU driver gives the domain XML's
 * QEMU rules (qdrv_env: default arch, emulator and machine, canonical
 * machine names, from the probed capabilities), shown the way a define
 * shows them: for each FILE, what `virsh define FILE; virsh dumpxml
 * --inactive` would print, or "error: MESSAGE".
 *
 *   test-qemu-env QEMU_ROOT FILE...
 *
 * It opens qemu:///system with its state (and the capabilities cache)
 * under QEMU_ROOT, as libvirtd.conf's qemu_root would, and probes the
 * emulators there when the cache is cold. tests/qemu/connection.sh
 * compares its output with real libvirtd's defines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/domain_xml.h"
#include "config.h"
#include "drivers/qemu/qdrv.h"
#include "drivers/qemu/qemu.h"
#include "error.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *s = NULL;
    size_t len = 0, n;

    if (!f)
        return NULL;
    do {
        char *p = realloc(s, len + 4097);
        if (!p) {
            free(s);
            fclose(f);
            return NULL;
        }
        s = p;
        n = fread(s + len, 1, 4096, f);
        len += n;
    } while (n > 0);
    fclose(f);
    s[len] = '\0';
    return s;
}

int main(int argc, char **argv)
{
    struct config cfg;
    struct drv_context ctx = {.config = &cfg};
    struct drv_conn *conn = NULL;
    int status = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: test-qemu-env QEMU_ROOT FILE...\n");
        return 2;
    }
    memset(&cfg, 0, sizeof(cfg));
    cfg.qemu_root = argv[1];
    if (qemu_driver.open("qemu:///system", 0, &ctx, &conn) != 1) {
        fprintf(stderr, "cannot open qemu:///system: %s\n", error_last_message());
        return 1;
    }
    const struct dx_env *env = qdrv_env(qemu_conn_qdrv(conn));
    for (int i = 2; i < argc; i++) {
        char *xml = slurp(argv[i]);
        struct dx_def *def = xml ? dx_def_parse_string_env(xml, env) : NULL;
        char *out = def ? dx_def_format(def, -1) : NULL;
        printf("== %s\n", strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i]);
        if (out)
            fputs(out, stdout);
        else
            printf("error: %s\n", xml ? error_last_message() : "cannot read the file");
        status |= !out;
        free(out);
        if (def)
            dx_def_free(def);
        free(xml);
        error_clear();
    }
    qemu_driver.close(conn);
    return 0;
}
