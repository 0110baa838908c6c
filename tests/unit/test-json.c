/* Unit test of the QMP JSON parser (src/drivers/qemu/json.c): what QEMU
 * sends parses as it means, and what is not JSON, or nests without end,
 * is refused without reading past the input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#include "check.h"

static struct json *parse(const char *s)
{
    return json_parse(s, strlen(s));
}

static void qmp_messages_parse(void)
{
    struct json *j = parse("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, "
                           "\"major\": 7}, \"package\": \"Debian 1:7.2\"}, \"capabilities\": "
                           "[\"oob\"]}}\r\n");
    const struct json *v = json_get(json_get(j, "QMP"), "version");
    if (json_get_int(json_get(v, "qemu"), "major", -1) != 7 ||
        json_get_int(json_get(v, "qemu"), "micro", -1) != 22)
        FAIL("greeting: version not read");
    if (strcmp(json_get_string(v, "package") ? json_get_string(v, "package") : "", "Debian 1:7.2"))
        FAIL("greeting: package not read");
    json_free(j);

    j = parse("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"SHUTDOWN\", "
              "\"data\": {\"guest\": true, \"reason\": \"guest-shutdown\"}}");
    if (!json_get_bool(json_get(j, "data"), "guest", false) ||
        strcmp(json_get_string(j, "event"), "SHUTDOWN") != 0)
        FAIL("event: fields not read");
    json_free(j);

    j = parse("{\"return\": [{\"frontend-open\": false, \"filename\": \"pty:/dev/pts/3\", "
              "\"label\": \"charserial0\"}], \"id\": \"libvirt-7\"}");
    const struct json *r = json_get(j, "return");
    if (!r || r->type != JSON_ARRAY || r->n != 1 ||
        strcmp(json_get_string(r->items[0], "filename"), "pty:/dev/pts/3") != 0)
        FAIL("reply: array not read");
    json_free(j);
}

static void escapes_decode(void)
{
    struct json *j = parse("\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\"");
    if (!j || strcmp(j->string, "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80") != 0)
        FAIL("escapes: got '%s'", j ? j->string : "(null)");
    json_free(j);

    char *out = NULL;
    size_t len = 0;
    if (json_append_string(&out, &len, "q\"\\\n\x01") < 0 ||
        strcmp(out, "\"q\\\"\\\\\\u000a\\u0001\"") != 0)
        FAIL("writing: got %s", out ? out : "(null)");
    struct json *back = out ? parse(out) : NULL;
    if (!back || strcmp(back->string, "q\"\\\n\x01") != 0)
        FAIL("writing: does not read back");
    json_free(back);
    free(out);
}

static void numbers_read(void)
{
    struct json *j = parse("[0, -5, 134217728, 1.5, 1e3, 9223372036854775807]");
    if (!j || j->n != 6 || !j->items[2]->is_integer || j->items[2]->integer != 134217728 ||
        j->items[1]->integer != -5 || j->items[3]->is_integer || j->items[3]->number != 1.5 ||
        j->items[4]->is_integer || j->items[4]->number != 1000)
        FAIL("numbers misread");
    json_free(j);
}

static size_t bad_input_refused(void)
{
    static const char *const bad[] = {
        "", "{", "}", "[1,]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "\"open", "tru", "nul",
        "[1 2]", "{\"a\":1}x", "\"\\x\"", "\"\\u12\"", "\"tab\there\"", "-", "{1:2}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct json *j = parse(bad[i]);
        if (j)
            FAIL("'%s' was accepted", bad[i]);
        json_free(j);
    }
    /* Nesting stops at the limit instead of exhausting the stack. */
    size_t n = 100000;
    char *deep = malloc(2 * n + 1);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = '\0';
    struct json *j = parse(deep);
    if (j)
        FAIL("nesting %zu deep was accepted", n);
    json_free(j);
    memset(deep, '[', JSON_MAX_DEPTH);
    memset(deep + JSON_MAX_DEPTH, ']', JSON_MAX_DEPTH);
    deep[2 * JSON_MAX_DEPTH] = '\0';
    j = parse(deep);
    if (!j)
        FAIL("nesting %d deep (the limit) was refused", JSON_MAX_DEPTH);
    json_free(j);
    free(deep);
    /* A length that stops inside a literal is read no further. */
    j = json_parse("{\"a\": 1}", 5);
    if (j)
        FAIL("a truncated buffer was accepted");
    json_free(j);
    return sizeof(bad) / sizeof(bad[0]) + 2;
}

int main(void)
{
    qmp_messages_parse();
    escapes_decode();
    numbers_read();
    size_t kinds = bad_input_refused();
    if (!failures)
        printf("json: QMP messages, escapes, numbers and %zu kinds of bad input as expected\n",
               kinds);
    return failures ? 1 : 0;
}
