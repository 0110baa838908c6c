#include "uuid.h"

#include <ctype.h>
#include <stdio.h>

static int hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

int uuid_parse(const char *s, unsigned char uuid[UUID_LEN])
{
    while (isspace((unsigned char)*s))
        s++;
    for (int i = 0; i < UUID_LEN;) {
        int hi, lo;
        if (*s == '-' || *s == ' ') {
            s++;
            continue;
        }
        if ((hi = hex(s[0])) < 0 || (lo = hex(s[1])) < 0)
            return -1;
        uuid[i++] = (unsigned char)(hi << 4 | lo);
        s += 2;
    }
    while (isspace((unsigned char)*s))
        s++;
    return *s ? -1 : 0;
}

void uuid_format(const unsigned char u[UUID_LEN], char out[UUID_STRING_LEN])
{
    snprintf(out, UUID_STRING_LEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
             u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
             u[15]);
}
