/* Fuzz target: the client's URI parser on arbitrary text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    struct uri *uri = NULL;
    FILE *devnull = fopen("/dev/null", "w");

    if (!text || !devnull)
        goto out;
    memcpy(text, data, size);
    text[size] = '\0';
    if (uri_parse(text, devnull, &uri) == 0)
        uri_free(uri);
out:
    if (devnull)
        fclose(devnull);
    free(text);
    return 0;
}
