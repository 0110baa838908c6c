/* Fuzz target: the libvirtd.conf parser on arbitrary text. A file either
 * parses or is refused with a message; nothing in between may crash. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore_warning(void *opaque, const char *msg)
{
    (void)opaque;
    (void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config cfg;

    config_init(&cfg);
    config_parse(&cfg, "fuzz.conf", (const char *)data, size, ignore_warning, NULL);
    config_free(&cfg);
    error_clear();
    return 0;
}
