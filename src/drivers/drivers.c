/* The drivers built into libvirtd, in the order open tries them, and what
 * they share for filling replies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "error.h"
#include "qemu/qemu.h"
#include "test.h"

const struct driver *const drivers[] = {&test_driver, &qemu_driver, NULL};

int drv_string(char **dst, const char *src)
{
    *dst = strdup(src);
    if (*dst)
        return 0;
    error_report(ERR_NO_MEMORY, FROM_NONE, NULL);
    return -1;
}

int drv_domain(remote_nonnull_domain *dst, const char *name, const unsigned char *uuid, int id)
{
    memcpy(dst->uuid, uuid, DRV_UUID_LEN);
    dst->id = id;
    return drv_string(&dst->name, name);
}

int drv_chars(u_int *len, char **val, const char *src, u_int max)
{
    size_t n = src ? strlen(src) + 1 : 0;

    *len = 0;
    *val = NULL;
    if (n > max) {
        error_report(ERR_INTERNAL_ERROR, FROM_NONE, "security string too long");
        return -1;
    }
    if (!n)
        return 0;
    *val = malloc(n);
    if (!*val) {
        error_report(ERR_NO_MEMORY, FROM_NONE, NULL);
        return -1;
    }
    memcpy(*val, src, n);
    *len = (u_int)n;
    return 0;
}

int drv_nonzero(uint64_t value, const char *what, const char *api)
{
    char msg[128];

    if (value)
        return 0;
    snprintf(msg, sizeof(msg), "%s in %s must not be zero", what, api);
    error_set_message(ERR_INVALID_ARG, FROM_DOMAIN, msg);
    return -1;
}
