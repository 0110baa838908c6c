/* json: see json.h. A recursive-descent parser over a cursor; recursion
 * stops at JSON_MAX_DEPTH, which bounds the stack. */
#include "json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct cursor {
    const char *p, *end;
    int depth;
};

static void skip_space(struct cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static struct json *node(enum json_type type)
{
    struct json *j = calloc(1, sizeof(*j));
    if (j)
        j->type = type;
    return j;
}

void json_free(struct json *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n; i++) {
        json_free(j->items[i]);
        if (j->keys)
            free(j->keys[i]);
    }
    free(j->items);
    free(j->keys);
    free(j->string);
    free(j);
}

static int hex4(struct cursor *c, unsigned *out)
{
    unsigned v = 0;
    if (c->end - c->p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        char h = *c->p++;
        v <<= 4;
        if (h >= '0' && h <= '9')
            v |= (unsigned)(h - '0');
        else if (h >= 'a' && h <= 'f')
            v |= (unsigned)(h - 'a' + 10);
        else if (h >= 'A' && h <= 'F')
            v |= (unsigned)(h - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* A string literal at c->p (its opening quote); the text unescaped, which
 * is never longer than the literal. */
static char *parse_string(struct cursor *c)
{
    const char *start = ++c->p;
    const char *q = start;

    while (q < c->end && *q != '"')
        q += *q == '\\' && q + 1 < c->end ? 2 : 1;
    if (q >= c->end)
        return NULL;
    char *out = malloc((size_t)(q - start) + 1), *o = out;
    if (!out)
        return NULL;
    while (c->p < q) {
        char ch = *c->p++;
        if ((unsigned char)ch < 0x20)
            goto bad;
        if (ch != '\\') {
            *o++ = ch;
            continue;
        }
        ch = *c->p++;
        switch (ch) {
        case '"': case '\\': case '/':
            *o++ = ch;
            break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (hex4(c, &cp) < 0)
                goto bad;
            if (cp >= 0xd800 && cp < 0xdc00 && q - c->p >= 6 && c->p[0] == '\\' &&
                c->p[1] == 'u') {
                c->p += 2;
                if (hex4(c, &lo) < 0 || lo < 0xdc00 || lo >= 0xe000)
                    goto bad;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
            /* Six escaped bytes never make more than four. */
            o += put_utf8(o, cp);
            break;
        }
        default:
            goto bad;
        }
    }
    *o = '\0';
    c->p = q + 1;
    return out;
bad:
    free(out);
    return NULL;
}

static struct json *parse_value(struct cursor *c);

static int add_item(struct json *j, struct json *item, char *key)
{
    struct json **items = realloc(j->items, (j->n + 1) * sizeof(*items));
    if (!items)
        return -1;
    j->items = items;
    if (j->type == JSON_OBJECT) {
        char **keys = realloc(j->keys, (j->n + 1) * sizeof(*keys));
        if (!keys)
            return -1;
        j->keys = keys;
        keys[j->n] = key;
    }
    items[j->n++] = item;
    return 0;
}

static struct json *parse_container(struct cursor *c, enum json_type type)
{
    char close = type == JSON_ARRAY ? ']' : '}';
    struct json *j = node(type);

    if (!j)
        return NULL;
    c->p++;
    skip_space(c);
    if (c->p < c->end && *c->p == close) {
        c->p++;
        return j;
    }
    for (;;) {
        char *key = NULL;
        struct json *item;
        skip_space(c);
        if (type == JSON_OBJECT) {
            if (c->p >= c->end || *c->p != '"' || !(key = parse_string(c)))
                goto bad;
            skip_space(c);
            if (c->p >= c->end || *c->p++ != ':') {
                free(key);
                goto bad;
            }
        }
        item = parse_value(c);
        if (!item || add_item(j, item, key) < 0) {
            json_free(item);
            free(key);
            goto bad;
        }
        skip_space(c);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == close) {
            c->p++;
            return j;
        }
        goto bad;
    }
bad:
    json_free(j);
    return NULL;
}

static struct json *parse_number(struct cursor *c)
{
    const char *s = c->p;
    char tmp[64];
    struct json *j;

    if (c->p < c->end && *c->p == '-')
        c->p++;
    while (c->p < c->end && strchr("0123456789.eE+-", *c->p))
        c->p++;
    size_t n = (size_t)(c->p - s);
    if (n == 0 || n >= sizeof(tmp) || !(j = node(JSON_NUMBER)))
        return NULL;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end;
    j->number = strtod(tmp, &end);
    if (*end) {
        free(j);
        return NULL;
    }
    if (!strpbrk(tmp, ".eE")) {
        long long v = strtoll(tmp, &end, 10);
        j->is_integer = !*end && fabs(j->number) < 9.2e18;
        j->integer = v;
    }
    return j;
}

static int literal(struct cursor *c, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
        return 0;
    c->p += n;
    return 1;
}

static struct json *parse_value(struct cursor *c)
{
    struct json *j = NULL;

    skip_space(c);
    if (c->p >= c->end || c->depth >= JSON_MAX_DEPTH)
        return NULL;
    c->depth++;
    switch (*c->p) {
    case '{':
        j = parse_container(c, JSON_OBJECT);
        break;
    case '[':
        j = parse_container(c, JSON_ARRAY);
        break;
    case '"': {
        char *s = parse_string(c);
        if (s && (j = node(JSON_STRING)))
            j->string = s;
        else
            free(s);
        break;
    }
    case 't':
        if (literal(c, "true") && (j = node(JSON_BOOL)))
            j->boolean = true;
        break;
    case 'f':
        if (literal(c, "false"))
            j = node(JSON_BOOL);
        break;
    case 'n':
        if (literal(c, "null"))
            j = node(JSON_NULL);
        break;
    default:
        j = parse_number(c);
    }
    c->depth--;
    return j;
}

struct json *json_parse(const char *text, size_t len)
{
    struct cursor c = {text, text + len, 0};
    struct json *j = parse_value(&c);

    skip_space(&c);
    if (j && c.p != c.end) {
        json_free(j);
        return NULL;
    }
    return j;
}

const struct json *json_get(const struct json *j, const char *key)
{
    if (!j || j->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < j->n; i++)
        if (strcmp(j->keys[i], key) == 0)
            return j->items[i];
    return NULL;
}

const char *json_get_string(const struct json *j, const char *key)
{
    const struct json *v = json_get(j, key);
    return v && v->type == JSON_STRING ? v->string : NULL;
}

bool json_get_bool(const struct json *j, const char *key, bool fallback)
{
    const struct json *v = json_get(j, key);
    return v && v->type == JSON_BOOL ? v->boolean : fallback;
}

int64_t json_get_int(const struct json *j, const char *key, int64_t fallback)
{
    const struct json *v = json_get(j, key);
    return v && v->type == JSON_NUMBER && v->is_integer ? v->integer : fallback;
}

int json_append_string(char **buf, size_t *len, const char *s)
{
    size_t need = *len + 2 * 6 * strlen(s) + 3;
    char *b = realloc(*buf, need + 1), *o;

    if (!b)
        return -1;
    *buf = b;
    o = b + *len;
    *o++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            *o++ = '\\';
            *o++ = (char)*p;
        } else if (*p < 0x20) {
            static const char hex[] = "0123456789abcdef";
            memcpy(o, "\\u00", 4);
            o[4] = hex[*p >> 4];
            o[5] = hex[*p & 15];
            o += 6;
        } else {
            *o++ = (char)*p;
        }
    }
    *o++ = '"';
    *o = '\0';
    *len = (size_t)(o - b);
    return 0;
}
