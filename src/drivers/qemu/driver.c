/* The QEMU driver: qemu:///system and qemu:///session. A connection is a
 * qdrv (qdrv.h) over the driver's shared directories; the domains are in
 * domain.c. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "error.h"
#include "qdrv.h"
#include "qemu.h"

struct drv_conn {
    struct qdrv q;
};

struct qdrv *qemu_conn_qdrv(struct drv_conn *c)
{
    return &c->q;
}

/* The path of a qemu URI ("/system"), or NULL when it is not one. */
static char *uri_path(const char *uri)
{
    if (strncmp(uri, "qemu:", 5) != 0 && strncmp(uri, "qemu+", 5) != 0)
        return NULL;
    const char *p = strchr(uri, ':') + 1;
    if (strncmp(p, "//", 2) == 0) {
        p += 2;
        p += strcspn(p, "/?#");
    }
    return strndup(p, strcspn(p, "?#"));
}

static int qemu_open(const char *uri, unsigned int flags, const struct drv_context *ctx,
                     struct drv_conn **out)
{
    char *path = uri ? uri_path(uri) : NULL;
    struct drv_conn *c = NULL;
    int r = -1;

    (void)flags;
    if (!path)
        return 0;
    if (strcmp(path, "/system") != 0 && strcmp(path, "/session") != 0) {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU,
                     "unexpected QEMU URI path '%s', try qemu:///system", path);
        goto out;
    }
    if (!(c = calloc(1, sizeof(*c)))) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        goto out;
    }
    /* Where the state lives: under LIBVIRTD_QEMU_ROOT when set (tests),
     * else the system's own directories. */
    if (qdrv_open(&c->q, getenv("LIBVIRTD_QEMU_ROOT"), ctx) < 0) {
        free(c);
        c = NULL;
        goto out;
    }
    *out = c;
    r = 1;
out:
    free(path);
    return r;
}

static void qemu_close(struct drv_conn *c)
{
    if (!c)
        return;
    qdrv_close(&c->q);
    free(c);
}

static void qemu_set_event_sink(struct drv_conn *c, drv_event_fn fn, void *opaque)
{
    qdrv_set_event_sink(&c->q, fn, opaque);
}

static int qemu_connect_get_type(struct drv_conn *c, remote_connect_get_type_ret *ret)
{
    (void)c;
    return drv_string(&ret->type, "QEMU");
}

static int qemu_connect_get_hostname(struct drv_conn *c, remote_connect_get_hostname_ret *ret)
{
    char buf[HOST_NAME_MAX + 1];

    (void)c;
    if (gethostname(buf, sizeof(buf)) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "%s", "cannot get the host name");
        return -1;
    }
    buf[HOST_NAME_MAX] = '\0';
    return drv_string(&ret->hostname, buf);
}

static int qemu_node_get_security_model(struct drv_conn *c,
                                        remote_node_get_security_model_ret *ret)
{
    (void)c;
    /* security_driver = "none", as the driver runs QEMU */
    if (drv_chars(&ret->model.model_len, &ret->model.model_val, "none", 256) < 0 ||
        drv_chars(&ret->doi.doi_len, &ret->doi.doi_val, "0", 256) < 0)
        return -1;
    return 0;
}

static const struct drv_host_ops qemu_host_ops = {
    .connect_get_type = qemu_connect_get_type,
    .connect_get_hostname = qemu_connect_get_hostname,
    .node_get_security_model = qemu_node_get_security_model,
};

const struct driver qemu_driver = {
    .name = "QEMU",
    .open = qemu_open,
    .close = qemu_close,
    .set_event_sink = qemu_set_event_sink,
    .host = &qemu_host_ops,
    .domain = &qemu_domain_ops,
};

int qemu_autostart_claim(struct drv_conn *c)
{
    /* Real libvirt's marker: RUN/autostarted, which a reboot clears with
     * the rest of /run, so a daemon restarted later does not start again
     * what a user has stopped since. */
    char *path = NULL;
    if (asprintf(&path, "%s/autostarted", c->q.run_dir) < 0) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int saved = errno;
    free(path);
    if (fd >= 0) {
        close(fd);
        return 1;
    }
    if (saved == EEXIST)
        return 0;
    error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot create the autostart marker in '%s': %s",
                 c->q.run_dir, strerror(saved));
    return -1;
}
