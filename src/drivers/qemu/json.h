/* json: the JSON that QMP speaks, parsed into a small tree and written
 * with escaping. QEMU is a local peer, but a guest can put text into what
 * it reports (names, serial output), so the parser is bounded like any
 * input: a depth limit, no recursion beyond it, every string checked as
 * UTF-8 only as far as escapes go (bytes pass through). */
#ifndef SRC_DRIVERS_QEMU_JSON_H
#define SRC_DRIVERS_QEMU_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
    enum json_type type;
    bool boolean;
    double number;
    int64_t integer;  /* the number when it is an integer that fits */
    bool is_integer;
    char *string;     /* JSON_STRING, NUL-terminated (an escaped \u0000 ends it) */
    size_t n;         /* members of an array or object */
    struct json **items;
    char **keys;      /* JSON_OBJECT: keys[i] names items[i] */
};

#define JSON_MAX_DEPTH 64

/* Parses len bytes holding one JSON value (surrounding white space
 * allowed). Returns the tree (free with json_free) or NULL when the text is
 * not JSON, nests deeper than JSON_MAX_DEPTH, or memory runs out. */
struct json *json_parse(const char *text, size_t len);

void json_free(struct json *j);

/* The member `key` of an object, or NULL (also when j is not an object). */
const struct json *json_get(const struct json *j, const char *key);

/* Typed lookups of an object's member: NULL / false / fallback when it is
 * missing or of another type. */
const char *json_get_string(const struct json *j, const char *key);
bool json_get_bool(const struct json *j, const char *key, bool fallback);
int64_t json_get_int(const struct json *j, const char *key, int64_t fallback);

/* Appends s to *buf as a JSON string literal, quotes included. *buf is
 * malloc'd and grown; *len is its length. Returns 0 or -1 (out of memory,
 * *buf left as it was). */
int json_append_string(char **buf, size_t *len, const char *s);

#endif
