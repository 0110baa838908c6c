#include "json.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reader {
    const char *p, *end;
    int depth;
};

static void skip_ws(struct reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static int lit(struct reader *r, const char *word)
{
    size_t n = strlen(word);

    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return -1;
    r->p += n;
    return 0;
}

static int hex4(struct reader *r, unsigned *out)
{
    unsigned v = 0;

    if (r->end - r->p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        char c = *r->p++;
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *dst, unsigned cp)
{
    if (cp < 0x80) {
        dst[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        dst[0] = (char)(0xc0 | (cp >> 6));
        dst[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        dst[0] = (char)(0xe0 | (cp >> 12));
        dst[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        dst[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    dst[0] = (char)(0xf0 | (cp >> 18));
    dst[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    dst[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    dst[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* A string literal at r->p (on its opening quote) into a new buffer. An
 * escape never makes the text longer than its source, so the buffer is
 * sized by the source. */
static char *read_string(struct reader *r)
{
    const char *start = ++r->p;
    const char *q = start;
    char *out, *o;

    while (q < r->end && *q != '"') {
        if (*q == '\\')
            q++;
        q++;
    }
    if (q >= r->end)
        return NULL;
    out = malloc((size_t)(q - start) + 1);
    if (!out)
        return NULL;
    o = out;
    while (r->p < q) {
        unsigned char c = (unsigned char)*r->p++;
        unsigned cp, lo;

        if (c < 0x20)
            goto bad;
        if (c != '\\') {
            *o++ = (char)c;
            continue;
        }
        switch (*r->p++) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u':
            if (hex4(r, &cp) < 0 || cp == 0)
                goto bad;
            if (cp >= 0xd800 && cp < 0xdc00) {
                if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
                    goto bad;
                r->p += 2;
                if (hex4(r, &lo) < 0 || lo < 0xdc00 || lo >= 0xe000)
                    goto bad;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else if (cp >= 0xdc00 && cp < 0xe000) {
                goto bad;
            }
            o += put_utf8(o, cp);
            break;
        default:
            goto bad;
        }
    }
    r->p = q + 1;
    *o = '\0';
    return out;
bad:
    free(out);
    return NULL;
}

static int read_value(struct reader *r, struct json *v);

static int grow(struct json *v, size_t *cap, bool keys)
{
    size_t ncap = *cap ? *cap * 2 : 8;
    struct json *items;

    if (v->n < *cap)
        return 0;
    items = realloc(v->items, ncap * sizeof(*items));
    if (!items)
        return -1;
    v->items = items;
    if (keys) {
        char **k = realloc(v->keys, ncap * sizeof(*k));
        if (!k)
            return -1;
        v->keys = k;
    }
    *cap = ncap;
    return 0;
}

static int read_array(struct reader *r, struct json *v)
{
    size_t cap = 0;

    v->type = JSON_ARRAY;
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == ']') {
        r->p++;
        return 0;
    }
    for (;;) {
        if (grow(v, &cap, false) < 0)
            return -1;
        memset(&v->items[v->n], 0, sizeof(v->items[0]));
        v->n++;
        if (read_value(r, &v->items[v->n - 1]) < 0)
            return -1;
        skip_ws(r);
        if (r->p >= r->end)
            return -1;
        if (*r->p == ']') {
            r->p++;
            return 0;
        }
        if (*r->p++ != ',')
            return -1;
    }
}

static int read_object(struct reader *r, struct json *v)
{
    size_t cap = 0;

    v->type = JSON_OBJECT;
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
        return 0;
    }
    for (;;) {
        char *key;

        skip_ws(r);
        if (r->p >= r->end || *r->p != '"')
            return -1;
        if (grow(v, &cap, true) < 0)
            return -1;
        key = read_string(r);
        if (!key)
            return -1;
        memset(&v->items[v->n], 0, sizeof(v->items[0]));
        v->keys[v->n] = key;
        v->n++;
        skip_ws(r);
        if (r->p >= r->end || *r->p++ != ':')
            return -1;
        if (read_value(r, &v->items[v->n - 1]) < 0)
            return -1;
        skip_ws(r);
        if (r->p >= r->end)
            return -1;
        if (*r->p == '}') {
            r->p++;
            return 0;
        }
        if (*r->p++ != ',')
            return -1;
    }
}

static int read_number(struct reader *r, struct json *v)
{
    char buf[64];
    size_t n = 0;
    bool frac = false;
    char *endp;

    while (r->p < r->end && n < sizeof(buf) - 1 &&
           (strchr("+-0123456789", *r->p) || *r->p == '.' || *r->p == 'e' || *r->p == 'E')) {
        if (*r->p == '.' || *r->p == 'e' || *r->p == 'E')
            frac = true;
        buf[n++] = *r->p++;
    }
    buf[n] = '\0';
    if (n == 0 || n == sizeof(buf) - 1)
        return -1;
    v->type = JSON_NUMBER;
    errno = 0;
    v->real = strtod(buf, &endp);
    if (*endp)
        return -1;
    if (!frac) {
        errno = 0;
        v->num = strtoll(buf, &endp, 10);
        v->integer = errno == 0 && *endp == '\0';
    }
    return 0;
}

static int read_value(struct reader *r, struct json *v)
{
    int ret;

    skip_ws(r);
    if (r->p >= r->end || ++r->depth > JSON_MAX_DEPTH)
        return -1;
    switch (*r->p) {
    case '{':
        ret = read_object(r, v);
        break;
    case '[':
        ret = read_array(r, v);
        break;
    case '"':
        v->type = JSON_STRING;
        v->str = read_string(r);
        ret = v->str ? 0 : -1;
        break;
    case 't':
        v->type = JSON_BOOL;
        v->boolean = true;
        ret = lit(r, "true");
        break;
    case 'f':
        v->type = JSON_BOOL;
        ret = lit(r, "false");
        break;
    case 'n':
        v->type = JSON_NULL;
        ret = lit(r, "null");
        break;
    default:
        ret = read_number(r, v);
        break;
    }
    r->depth--;
    return ret;
}

static void clear(struct json *j)
{
    for (size_t i = 0; i < j->n; i++) {
        clear(&j->items[i]);
        if (j->keys)
            free(j->keys[i]);
    }
    free(j->items);
    free(j->keys);
    free(j->str);
}

void json_free(struct json *j)
{
    if (!j)
        return;
    clear(j);
    free(j);
}

struct json *json_parse(const char *text, size_t len)
{
    struct reader r = {text, text + len, 0};
    struct json *j = calloc(1, sizeof(*j));

    if (!j)
        return NULL;
    if (read_value(&r, j) < 0)
        goto bad;
    skip_ws(&r);
    if (r.p != r.end)
        goto bad;
    return j;
bad:
    json_free(j);
    return NULL;
}

const struct json *json_get(const struct json *j, const char *key)
{
    if (!j || j->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < j->n; i++)
        if (strcmp(j->keys[i], key) == 0)
            return &j->items[i];
    return NULL;
}

const struct json *json_at(const struct json *j, size_t i)
{
    if (!j || j->type != JSON_ARRAY || i >= j->n)
        return NULL;
    return &j->items[i];
}

size_t json_len(const struct json *j)
{
    return j && j->type == JSON_ARRAY ? j->n : 0;
}

const char *json_get_str(const struct json *j, const char *key)
{
    const struct json *v = json_get(j, key);

    return v && v->type == JSON_STRING ? v->str : NULL;
}

bool json_get_bool(const struct json *j, const char *key, bool def)
{
    const struct json *v = json_get(j, key);

    return v && v->type == JSON_BOOL ? v->boolean : def;
}

long long json_get_int(const struct json *j, const char *key, long long def)
{
    const struct json *v = json_get(j, key);

    return v && v->type == JSON_NUMBER && v->integer ? v->num : def;
}

static int append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t ncap = *cap ? *cap : 256;
        char *b;

        while (*len + n + 1 > ncap)
            ncap *= 2;
        b = realloc(*buf, ncap);
        if (!b)
            return -1;
        *buf = b;
        *cap = ncap;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 0;
}

int json_append_string(char **buf, size_t *len, size_t *cap, const char *s)
{
    static const char hexd[] = "0123456789abcdef";

    if (append(buf, len, cap, "\"", 1) < 0)
        return -1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[6] = {'\\', 'u', '0', '0', hexd[*p >> 4], hexd[*p & 15]};
        int r;

        if (*p == '"' || *p == '\\') {
            char two[2] = {'\\', (char)*p};
            r = append(buf, len, cap, two, 2);
        } else if (*p < 0x20) {
            r = append(buf, len, cap, esc, 6);
        } else {
            r = append(buf, len, cap, (const char *)p, 1);
        }
        if (r < 0)
            return -1;
    }
    return append(buf, len, cap, "\"", 1);
}

int json_append_value(char **buf, size_t *len, size_t *cap, const struct json *j)
{
    char num[64];

    switch (j->type) {
    case JSON_NULL:
        return append(buf, len, cap, "null", 4);
    case JSON_BOOL:
        return j->boolean ? append(buf, len, cap, "true", 4) : append(buf, len, cap, "false", 5);
    case JSON_NUMBER:
        if (j->integer)
            snprintf(num, sizeof(num), "%lld", j->num);
        else
            snprintf(num, sizeof(num), "%.17g", j->real);
        return append(buf, len, cap, num, strlen(num));
    case JSON_STRING:
        return json_append_string(buf, len, cap, j->str);
    case JSON_ARRAY:
    case JSON_OBJECT:
        if (append(buf, len, cap, j->type == JSON_ARRAY ? "[" : "{", 1) < 0)
            return -1;
        for (size_t i = 0; i < j->n; i++) {
            if (i && append(buf, len, cap, ",", 1) < 0)
                return -1;
            if (j->type == JSON_OBJECT && (json_append_string(buf, len, cap, j->keys[i]) < 0 ||
                                           append(buf, len, cap, ":", 1) < 0))
                return -1;
            if (json_append_value(buf, len, cap, &j->items[i]) < 0)
                return -1;
        }
        return append(buf, len, cap, j->type == JSON_ARRAY ? "]" : "}", 1);
    }
    return -1;
}
