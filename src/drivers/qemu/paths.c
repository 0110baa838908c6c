#include "paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"

static int nomem(void)
{
    error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
    return -1;
}

static char *join(const char *a, const char *b)
{
    char *s;

    if (asprintf(&s, "%s%s", a, b) < 0)
        return NULL;
    return s;
}

/* $NAME, or $HOME/fallback; NULL (error recorded) without either. */
static char *user_dir(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    const char *home = getenv("HOME");

    if (v && *v)
        return join(v, "");
    if (!home || !*home) {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "cannot determine the home directory");
        return NULL;
    }
    char *s = NULL;
    if (asprintf(&s, "%s/%s", home, fallback) < 0) {
        nomem();
        return NULL;
    }
    return s;
}

static int init_system(struct qemu_paths *p, const char *root)
{
    const char *r = root ? root : "";
    /* The locations libvirt is built with on Debian (a /usr build), whatever
     * prefix we were built with: another driver's state in another place
     * would be another host's. */
    const char *etc = "/etc", *run = "/run", *var = "/var";

    if (asprintf(&p->qemu_conf, "%s%s/libvirt/qemu.conf", r, etc) < 0 ||
        asprintf(&p->config, "%s%s/libvirt/qemu", r, etc) < 0 ||
        asprintf(&p->autostart, "%s%s/libvirt/qemu/autostart", r, etc) < 0 ||
        asprintf(&p->state, "%s%s/libvirt/qemu", r, run) < 0 ||
        asprintf(&p->lib, "%s%s/lib/libvirt/qemu", r, var) < 0 ||
        asprintf(&p->cache, "%s%s/cache/libvirt/qemu", r, var) < 0 ||
        asprintf(&p->log, "%s%s/log/libvirt/qemu", r, var) < 0)
        return nomem();
    return 0;
}

static int init_session(struct qemu_paths *p)
{
    char *config = NULL, *cache = NULL, *runtime = NULL;
    int ret = -1;

    config = user_dir("XDG_CONFIG_HOME", ".config");
    cache = user_dir("XDG_CACHE_HOME", ".cache");
    if (!config || !cache)
        goto out;
    /* libvirt's runtime directory falls back to its cache directory. */
    if (getenv("XDG_RUNTIME_DIR") && *getenv("XDG_RUNTIME_DIR"))
        runtime = join(getenv("XDG_RUNTIME_DIR"), "");
    else
        runtime = join(cache, "");
    if (!runtime) {
        nomem();
        goto out;
    }
    if (asprintf(&p->qemu_conf, "%s/libvirt/qemu.conf", config) < 0 ||
        asprintf(&p->config, "%s/libvirt/qemu", config) < 0 ||
        asprintf(&p->autostart, "%s/libvirt/qemu/autostart", config) < 0 ||
        asprintf(&p->state, "%s/libvirt/qemu/run", runtime) < 0 ||
        asprintf(&p->lib, "%s/libvirt/qemu/lib", config) < 0 ||
        asprintf(&p->cache, "%s/libvirt/qemu/cache", cache) < 0 ||
        asprintf(&p->log, "%s/libvirt/qemu/log", cache) < 0) {
        nomem();
        goto out;
    }
    ret = 0;
out:
    free(config);
    free(cache);
    free(runtime);
    return ret;
}

int qemu_paths_init(struct qemu_paths *p, bool privileged, const char *root)
{
    int r;

    memset(p, 0, sizeof(*p));
    p->privileged = privileged;
    if (root && !*root)
        root = NULL;
    if (root && !(p->root = strdup(root)))
        return nomem();
    r = privileged ? init_system(p, root) : init_session(p);
    if (r < 0)
        qemu_paths_free(p);
    return r;
}

void qemu_paths_free(struct qemu_paths *p)
{
    free(p->root);
    free(p->qemu_conf);
    free(p->config);
    free(p->autostart);
    free(p->state);
    free(p->lib);
    free(p->cache);
    free(p->log);
    memset(p, 0, sizeof(*p));
}
