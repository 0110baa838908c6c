/* json: a small JSON reader for what QEMU says on its monitor (QMP).
 *
 * json_parse turns one complete JSON text into a tree of json values;
 * the accessors below walk it without ever failing on a missing member or
 * a value of another type: they return NULL (or the caller's default),
 * so a reply can be read as "this field if it is there and of this type".
 * Numbers keep their integer value when they are integers. Strings are
 * UTF-8 with their escapes decoded; a string holding \u0000 is refused.
 * Depth and size are bounded (JSON_MAX_DEPTH; the caller bounds the
 * text). */
#ifndef SRC_DRIVERS_QEMU_JSON_H
#define SRC_DRIVERS_QEMU_JSON_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_MAX_DEPTH 64

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
    enum json_type type;
    bool boolean;
    bool integer;   /* JSON_NUMBER written without fraction or exponent, in range */
    long long num;  /* its value when integer */
    double real;    /* its value always */
    char *str;      /* JSON_STRING */
    size_t n;       /* JSON_ARRAY: items, JSON_OBJECT: members */
    struct json *items;  /* JSON_ARRAY's items, JSON_OBJECT's member values */
    char **keys;         /* JSON_OBJECT's member names, n of them */
};

/* Parses len bytes holding exactly one JSON value (blanks around it are
 * allowed). Returns the tree (free it with json_free) or NULL when the
 * text is not JSON, too deep, or memory runs out. */
struct json *json_parse(const char *text, size_t len);

void json_free(struct json *j);

/* Object member `key`, or NULL when j is not an object or has none. */
const struct json *json_get(const struct json *j, const char *key);

/* Item i of an array, or NULL. */
const struct json *json_at(const struct json *j, size_t i);

/* Number of items of an array (0 for anything else). */
size_t json_len(const struct json *j);

/* The string of member `key`, or NULL when missing or not a string. */
const char *json_get_str(const struct json *j, const char *key);

/* The boolean of member `key`, or def. */
bool json_get_bool(const struct json *j, const char *key, bool def);

/* The integer of member `key`, or def. */
long long json_get_int(const struct json *j, const char *key, long long def);

/* Appends s to *buf (of *len bytes, *cap allocated) as a JSON string
 * literal, quotes included. Returns 0, or -1 when out of memory. */
int json_append_string(char **buf, size_t *len, size_t *cap, const char *s);

/* Appends j written as JSON text, the same way. */
int json_append_value(char **buf, size_t *len, size_t *cap, const struct json *j);

#endif
