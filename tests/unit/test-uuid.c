/* rpc/uuid: libvirt's UUID text rules, which the daemon's XML, its
 * configuration and the client's virDomainLookupByUUIDString share. */
#include <stdio.h>
#include <string.h>

#include "uuid.h"

int main(void)
{
    static const struct {
        const char *text;
        int ok;
    } cases[] = {
        {"6695eb01-f6a4-8304-79aa-97f2502e193f", 1},
        {"6695EB01F6A4830479AA97F2502E193F", 1},
        {"  6695eb01-f6a4-8304-79aa-97f2502e193f\n", 1},
        {"66-95-eb-01-f6-a4-83-04-79-aa-97-f2-50-2e-19-3f", 1},
        {"6695 eb01 f6a4 8304 79aa 97f2 502e 193f", 1},
        {"6-695eb01-f6a4-8304-79aa-97f2502e193f", 0}, /* a dash inside a byte */
        {"6695eb01-f6a4-8304-79aa-97f2502e193", 0},   /* 31 digits */
        {"6695eb01-f6a4-8304-79aa-97f2502e193f0", 0}, /* 33 */
        {"6695eb01-f6a4-8304-79aa-97f2502e193g", 0},
        {"", 0},
    };
    unsigned char u[UUID_LEN];
    char back[UUID_STRING_LEN];
    int failures = 0;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int ok = uuid_parse(cases[i].text, u) == 0;
        if (ok != cases[i].ok) {
            fprintf(stderr, "FAIL '%s': expected %s\n", cases[i].text,
                    cases[i].ok ? "a UUID" : "a refusal");
            failures++;
            continue;
        }
        uuid_format(u, back);
        if (ok && strcmp(back, "6695eb01-f6a4-8304-79aa-97f2502e193f") != 0) {
            fprintf(stderr, "FAIL '%s' formats as %s\n", cases[i].text, back);
            failures++;
        }
    }
    if (failures)
        return 1;
    printf("uuid: %zu cases as libvirt parses them\n", sizeof(cases) / sizeof(cases[0]));
    return 0;
}
