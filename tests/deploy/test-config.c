/* libvirtd.conf parser: every key, the syntax (comments, quotes, lists),
 * warnings for unknown keys and errors with file:line for bad values. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "error.h"

static int failures, checks;

#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        checks++;                                                                              \
        if (!(cond)) {                                                                         \
            failures++;                                                                        \
            printf("FAIL %s:%d: ", __func__, __LINE__);                                        \
            printf(__VA_ARGS__);                                                               \
            printf("\n");                                                                      \
        }                                                                                      \
    } while (0)

static char warnings[8192];

static void collect(void *opaque, const char *msg)
{
    (void)opaque;
    strncat(warnings, msg, sizeof(warnings) - strlen(warnings) - 2);
    strcat(warnings, "\n");
}

/* r, with the message of the error config recorded for it in err ("" for
 * none or for success). */
static int with_error(int r, char *err, size_t errlen)
{
    const struct error *e = error_last();

    snprintf(err, errlen, "%s", r < 0 && e && e->message ? e->message : "");
    error_clear();
    return r;
}

/* Parses text over a fresh default config; returns parse's result. */
static int parse(struct config *cfg, const char *text, char *err, size_t errlen)
{
    warnings[0] = '\0';
    config_init(cfg);
    return with_error(config_parse(cfg, "test.conf", text, strlen(text), collect, NULL), err,
                      errlen);
}

static void defaults_are_libvirts(void)
{
    struct config c;
    char err[512];

    CHECK(parse(&c, "", err, sizeof(err)) == 0, "empty file: %s", err);
    CHECK(c.listen_tls && !c.listen_tcp, "listen_tls=1 listen_tcp=0 by default");
    CHECK(c.tls_port == 16514 && c.tcp_port == 16509, "ports %d %d", c.tls_port, c.tcp_port);
    CHECK(c.listen_addr == NULL, "listen_addr unset");
    CHECK(c.unix_sock_rw_perms == 0700 && c.unix_sock_ro_perms == 0777, "perms %o %o",
          c.unix_sock_rw_perms, c.unix_sock_ro_perms);
    CHECK(c.unix_sock_dir &&
              strcmp(c.unix_sock_dir + strlen(c.unix_sock_dir) - 8, "/libvirt") == 0,
          "unix_sock_dir %s", c.unix_sock_dir);
    CHECK(c.auth_tcp == CONFIG_AUTH_SASL && c.auth_tls == CONFIG_AUTH_NONE &&
              c.auth_unix_rw == CONFIG_AUTH_NONE && c.auth_unix_ro == CONFIG_AUTH_NONE,
          "auth defaults");
    CHECK(c.max_clients == 5000 && c.max_queued_clients == 1000, "limits %d %d", c.max_clients,
          c.max_queued_clients);
    CHECK(c.keepalive_interval == 5 && c.keepalive_count == 5, "keepalive");
    CHECK(c.message_timeout == 60, "message_timeout default");
    CHECK(c.spin_wait_us == 50, "spin_wait_us default");
    CHECK(c.connection_memory_limit == 1024 && c.connection_tasks_limit == 16,
          "connection limits %d MiB, %d tasks", c.connection_memory_limit,
          c.connection_tasks_limit);
    CHECK(c.log_level == 3 && !c.log_outputs && !c.log_filters, "logging");
    CHECK(warnings[0] == '\0', "no warnings, got: %s", warnings);
    config_free(&c);
}

static void every_key_is_read(void)
{
    static const char text[] =
        "listen_tls = 0\n"
        "listen_tcp = 1\n"
        "tls_port = \"26514\"\n"
        "tcp_port = 26509\n" /* a bare number is accepted too */
        "listen_addr = \"192.0.2.1\"\n"
        "unix_sock_group = \"libvirt\"\n"
        "unix_sock_ro_perms = \"0770\"\n"
        "unix_sock_rw_perms = \"0770\"\n"
        "unix_sock_admin_perms = \"0700\"\n"
        "unix_sock_dir = \"/tmp/sockets\"\n"
        "auth_unix_ro = \"polkit\"\n"
        "auth_unix_rw = \"sasl\"\n"
        "auth_tcp = \"none\"\n"
        "auth_tls = \"sasl\"\n"
        "key_file = \"/k.pem\"\n"
        "cert_file = \"/c.pem\"\n"
        "ca_file = \"/ca.pem\"\n"
        "crl_file = \"/crl.pem\"\n"
        "tls_no_verify_certificate = 1\n"
        "tls_no_sanity_certificate = 1\n"
        "tls_allowed_dn_list = [\"CN=a\", \"CN=b*\"]\n"
        "tls_priority = \"NORMAL\"\n"
        "sasl_allowed_username_list = [ \"joe@EXAMPLE.COM\" ]\n"
        "max_clients = 7\n"
        "max_queued_clients = 9\n"
        "max_anonymous_clients = 3\n"
        "keepalive_interval = -1\n"
        "keepalive_count = 0\n"
        "message_timeout = 0\n"
        "spin_wait_us = 0\n"
        "connection_memory_limit = 512\n"
        "connection_tasks_limit = 0\n"
        "log_level = 1\n"
        "log_filters = \"1:dispatch 3:session\"\n"
        "log_outputs = \"3:stderr 1:file:/tmp/x.log 2:syslog:libvirtd 3:journald\"\n"
        "host_uuid = \"8510b1a1-1afa-4da6-8111-785fae202c1e\"\n";
    struct config c;
    char err[512];

    CHECK(parse(&c, text, err, sizeof(err)) == 0, "parse: %s", err);
    CHECK(!c.listen_tls && c.listen_tcp, "listen flags");
    CHECK(c.tls_port == 26514 && c.tcp_port == 26509, "ports %d %d", c.tls_port, c.tcp_port);
    CHECK(c.listen_addr && strcmp(c.listen_addr, "192.0.2.1") == 0, "listen_addr");
    CHECK(c.unix_sock_group && strcmp(c.unix_sock_group, "libvirt") == 0, "group");
    CHECK(c.unix_sock_ro_perms == 0770 && c.unix_sock_rw_perms == 0770 &&
              c.unix_sock_admin_perms == 0700,
          "perms");
    CHECK(strcmp(c.unix_sock_dir, "/tmp/sockets") == 0, "dir %s", c.unix_sock_dir);
    CHECK(c.auth_unix_ro == CONFIG_AUTH_POLKIT && c.auth_unix_rw == CONFIG_AUTH_SASL &&
              c.auth_tcp == CONFIG_AUTH_NONE && c.auth_tls == CONFIG_AUTH_SASL,
          "auth");
    CHECK(c.key_file && strcmp(c.key_file, "/k.pem") == 0 &&
              strcmp(c.cert_file, "/c.pem") == 0 && strcmp(c.ca_file, "/ca.pem") == 0 &&
              strcmp(c.crl_file, "/crl.pem") == 0,
          "pki files");
    CHECK(c.tls_no_verify_certificate && c.tls_no_sanity_certificate, "tls flags");
    CHECK(c.tls_allowed_dn_list && strcmp(c.tls_allowed_dn_list[0], "CN=a") == 0 &&
              strcmp(c.tls_allowed_dn_list[1], "CN=b*") == 0 && !c.tls_allowed_dn_list[2],
          "dn list");
    CHECK(c.tls_priority && strcmp(c.tls_priority, "NORMAL") == 0, "priority");
    CHECK(c.sasl_allowed_username_list &&
              strcmp(c.sasl_allowed_username_list[0], "joe@EXAMPLE.COM") == 0,
          "sasl list");
    CHECK(c.max_clients == 7 && c.max_queued_clients == 9 && c.max_anonymous_clients == 3,
          "limits");
    CHECK(c.keepalive_interval == -1 && c.keepalive_count == 0, "keepalive");
    CHECK(c.message_timeout == 0, "message_timeout");
    CHECK(c.spin_wait_us == 0, "spin_wait_us");
    CHECK(c.connection_memory_limit == 512 && c.connection_tasks_limit == 0,
          "connection limits %d %d", c.connection_memory_limit, c.connection_tasks_limit);
    CHECK(c.log_level == 1 && strcmp(c.log_filters, "1:dispatch 3:session") == 0 &&
              strncmp(c.log_outputs, "3:stderr", 8) == 0,
          "logging");
    CHECK(c.host_uuid && strcmp(c.host_uuid, "8510b1a1-1afa-4da6-8111-785fae202c1e") == 0,
          "uuid");
    CHECK(warnings[0] == '\0', "no warnings, got: %s", warnings);
    config_free(&c);
}

static void syntax_comments_quotes_lists(void)
{
    static const char text[] = "# a comment\n"
                               "\n"
                               "   # an indented comment\n"
                               "listen_addr = '10.0.0.1'   # single quotes, trailing comment\n"
                               "tls_priority = \"\"\"NORMAL:\n"
                               "-VERS-TLS1.0\"\"\"\n"
                               "max_clients = 10; keepalive_count = 2\n"
                               "tls_allowed_dn_list = [\n"
                               "    \"CN=one\",   # first\n"
                               "    # a comment inside the list\n"
                               "    'CN=two',\n"
                               "]\n"
                               "sasl_allowed_username_list = []\n"
                               "\tlog_level\t=\t2\t\n";
    struct config c;
    char err[512];

    CHECK(parse(&c, text, err, sizeof(err)) == 0, "parse: %s", err);
    CHECK(c.listen_addr && strcmp(c.listen_addr, "10.0.0.1") == 0, "single quotes");
    CHECK(c.tls_priority && strcmp(c.tls_priority, "NORMAL:\n-VERS-TLS1.0") == 0,
          "triple quotes: '%s'", c.tls_priority);
    CHECK(c.max_clients == 10 && c.keepalive_count == 2, "';' separates statements");
    CHECK(c.tls_allowed_dn_list && strcmp(c.tls_allowed_dn_list[1], "CN=two") == 0 &&
              !c.tls_allowed_dn_list[2],
          "multi-line list with comments and a trailing comma");
    CHECK(c.sasl_allowed_username_list && !c.sasl_allowed_username_list[0], "empty list");
    CHECK(c.log_level == 2, "tabs");
    config_free(&c);
}

static void unknown_and_ignored_keys_warn_with_line(void)
{
    struct config c;
    char err[512];

    CHECK(parse(&c, "max_clients = 3\n\nno_such_key = 1\nmax_workers = 20\nmax_clients = 4\n",
                err, sizeof(err)) == 0,
          "parse: %s", err);
    CHECK(strstr(warnings, "test.conf:3: unknown key no_such_key"), "unknown key: %s",
          warnings);
    CHECK(strstr(warnings, "test.conf:4: max_workers has no effect"), "ignored key: %s",
          warnings);
    CHECK(strstr(warnings, "test.conf:5: max_clients is set again"), "duplicate: %s", warnings);
    CHECK(c.max_clients == 4, "the last value wins: %d", c.max_clients);
    CHECK(config_key_line(&c, "max_clients") == 5, "max_clients was last set at line %d",
          config_key_line(&c, "max_clients"));
    CHECK(config_key_line(&c, "max_workers") == 4, "an ignored key's line: %d",
          config_key_line(&c, "max_workers"));
    CHECK(config_key_line(&c, "log_outputs") == 0, "a key left at its default has line 0");
    CHECK(config_key_line(&c, "no_such_key") == 0, "an unknown key has line 0");
    config_free(&c);
}

struct bad_case {
    const char *text;
    const char *want; /* in the error, after "test.conf:LINE: " */
    int line;
};

static void bad_values_are_rejected_with_line(void)
{
    static const struct bad_case cases[] = {
        {"listen_tcp = 2\n", "listen_tcp must be 0 or 1", 1},
        {"\nlisten_tcp = \"1\"\n", "listen_tcp must be 0 or 1, not a string", 2},
        {"tcp_port = \"http\"\n", "tcp_port must be a port number", 1},
        {"tls_port = \"70000\"\n", "between 1 and 65535", 1},
        {"tcp_port = 0\n", "between 1 and 65535", 1},
        {"unix_sock_rw_perms = \"0999\"\n", "octal mode", 1},
        {"unix_sock_ro_perms = 777\n", "must be an octal mode in quotes", 1},
        {"unix_sock_dir = \"relative/dir\"\n", "absolute path", 1},
        {"auth_tcp = \"kerberos\"\n", "\"none\", \"sasl\" or \"polkit\"", 1},
        {"max_clients = 0\n", "max_clients must be between 1", 1},
        {"keepalive_interval = -5\n", "between -1 and", 1},
        {"log_level = 5\n", "log_level must be between 1 and 4", 1},
        {"spin_wait_us = -1\n", "spin_wait_us must be between 0 and 1000000", 1},
        {"\nconnection_memory_limit = 16\n",
         "connection_memory_limit must be 0 (no limit) or between 128 and", 2},
        {"connection_memory_limit = -1\n", "connection_memory_limit must be 0 (no limit)", 1},
        {"connection_memory_limit = \"1G\"\n", "connection_memory_limit must be a number", 1},
        {"connection_tasks_limit = 100000\n",
         "connection_tasks_limit must be 0 (no limit) or between 1 and 65536", 1},
        {"log_outputs = \"9:stderr\"\n", "level 1-4", 1},
        {"log_outputs = \"3:nowhere\"\n", "expected stderr, journald", 1},
        {"log_outputs = \"3:file:relative.log\"\n", "expected stderr, journald", 1},
        {"log_filters = \"dispatch\"\n", "LEVEL:MATCH", 1},
        {"tls_allowed_dn_list = \"CN=a\"\n", "must be a list of strings", 1},
        {"tls_allowed_dn_list = [\"CN=a\", 3]\n", "item 2 must be a string", 1},
        {"tls_allowed_dn_list = [[\"CN=a\"]]\n", "lists cannot contain lists", 1},
        {"tls_priority = 5\n", "tls_priority must be a string", 1},
        {"host_uuid = \"not-a-uuid\"\n", "not a valid UUID", 1},
        {"listen_addr = \"unterminated\n", "unterminated string", 1},
        {"tls_allowed_dn_list = [\"a\",\n\"b\" \"c\"]\n", "expected ',' or ']'", 2},
        {"tls_allowed_dn_list = [\"a\",\n\"b\"\n", "unterminated list", 3},
        {"tls_allowed_dn_list = [\"a\",\n", "unterminated list", 2},
        {"listen_tcp 1\n", "expected '=' after listen_tcp", 1},
        {"listen_tcp =\n", "expected a value", 1},
        {"listen_tcp = 1 2\n", "unexpected '2'", 1},
        {"listen_tcp = yes\n", "expected a number, a quoted string or a list", 1},
        {"= 1\n", "expected a key name", 1},
        {"max_clients = 99999999999999999999\n", "number out of range", 1},
        {"max_clients = 1234567890123456789012345678901234\n", "number too long", 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct config c;
        char err[512], prefix[32];
        int r = parse(&c, cases[i].text, err, sizeof(err));

        snprintf(prefix, sizeof(prefix), "test.conf:%d: ", cases[i].line);
        CHECK(r == -1, "case %zu (%s) was accepted", i, cases[i].text);
        CHECK(strncmp(err, prefix, strlen(prefix)) == 0 && strstr(err, cases[i].want),
              "case %zu: expected '%s...%s', got '%s'", i, prefix, cases[i].want, err);
        config_free(&c);
    }
}

static void a_bad_file_changes_nothing(void)
{
    struct config c;
    char err[512];

    config_init(&c);
    CHECK(with_error(config_parse(&c, "x", "listen_tcp = 1\nmax_clients = 2\nlog_level = 9\n",
                                  44, NULL, NULL),
                     err, sizeof(err)) == -1,
          "accepted");
    CHECK(!c.listen_tcp && c.max_clients == 5000, "earlier keys of a bad file were applied");
    config_free(&c);
}

/* A refusal is recorded as one libvirt-style error (rpc/error.h), code
 * and domain saying what kind, the message as the daemon logs it. */
static void errors_are_recorded_with_code_and_domain(void)
{
    static const struct {
        const char *path, *text; /* text NULL: load path */
        int code;
        const char *message;
    } cases[] = {
        {"test.conf", "tcp_port = 70000\n", ERR_CONF_SYNTAX,
         "test.conf:1: tcp_port must be between 1 and 65535, not 70000"},
        {"test.conf", "a = 1\nb = \"unterminated\n", ERR_CONF_SYNTAX,
         "test.conf:2: unterminated string (a \" string must end on its line)"},
        {"/nonexistent/libvirtd.conf", NULL, ERR_SYSTEM_ERROR,
         "/nonexistent/libvirtd.conf: cannot open: No such file or directory"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct config c;
        const struct error *e;
        int r;

        config_init(&c);
        error_clear();
        r = cases[i].text ? config_parse(&c, cases[i].path, cases[i].text,
                                         strlen(cases[i].text), NULL, NULL)
                          : config_load(&c, cases[i].path, true, NULL, NULL);
        e = error_last();
        CHECK(r == -1 && e && e->code == cases[i].code && e->domain == FROM_CONF &&
                  e->message && strcmp(e->message, cases[i].message) == 0,
              "case %zu: expected -1 with error %d/%d \"%s\", got %d with %d/%d \"%s\"", i,
              cases[i].code, FROM_CONF, cases[i].message, r, e ? e->code : 0, e ? e->domain : 0,
              e && e->message ? e->message : "(none)");
        config_free(&c);
    }
    error_clear();
}

static void files_missing_and_present(void)
{
    char path[] = "/tmp/test-config-XXXXXX";
    struct config c;
    char err[512];
    int fd;

    config_init(&c);
    CHECK(with_error(config_load(&c, "/nonexistent/libvirtd.conf", false, NULL, NULL), err,
                     sizeof(err)) == 0,
          "a missing default file means defaults: %s", err);
    CHECK(with_error(config_load(&c, "/nonexistent/libvirtd.conf", true, NULL, NULL), err,
                     sizeof(err)) == -1 &&
              strstr(err, "/nonexistent/libvirtd.conf: cannot open"),
          "a missing explicit file is an error: '%s'", err);
    fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    if (fd >= 0) {
        const char text[] = "# sample\nmax_clients = 12\nbogus = 1\n";
        CHECK(write(fd, text, sizeof(text) - 1) == (ssize_t)(sizeof(text) - 1), "write");
        close(fd);
        warnings[0] = '\0';
        CHECK(with_error(config_load(&c, path, true, collect, NULL), err, sizeof(err)) == 0,
              "load: %s", err);
        CHECK(c.max_clients == 12, "max_clients from file");
        CHECK(strstr(warnings, ":3: unknown key bogus") && strstr(warnings, path),
              "warning names the file and line: %s", warnings);
        unlink(path);
    }
    config_free(&c);
}

/* Writes `size` bytes of comment lines, then `tail`, to a new temporary
 * file whose name goes into path (a mkstemp template). Returns 0 or -1. */
static int write_big_file(char *path, size_t size, const char *tail)
{
    static char line[1024];
    FILE *f;
    int fd = mkstemp(path);

    if (fd < 0 || !(f = fdopen(fd, "w")))
        return -1;
    memset(line, ' ', sizeof(line));
    line[0] = '#';
    line[sizeof(line) - 1] = '\n';
    for (size_t n = 0; n + sizeof(line) <= size; n += sizeof(line))
        fwrite(line, 1, sizeof(line), f);
    fputs(tail, f);
    return fclose(f) == 0 ? 0 : -1;
}

/* libvirt reads a libvirtd.conf of up to 10 MiB; so do we, and no more. */
static void large_files_up_to_10_mib(void)
{
    char path[] = "/tmp/test-config-XXXXXX";
    struct config c;
    char err[512];

    config_init(&c);
    CHECK(write_big_file(path, 2 * 1024 * 1024, "max_clients = 33\n") == 0, "write 2 MiB");
    CHECK(with_error(config_load(&c, path, true, NULL, NULL), err, sizeof(err)) == 0 &&
              c.max_clients == 33,
          "a 2 MiB file (comments, then a key) loads: '%s', max_clients %d", err,
          c.max_clients);
    unlink(path);
    strcpy(path, "/tmp/test-config-XXXXXX");
    CHECK(write_big_file(path, 11 * 1024 * 1024, "max_clients = 44\n") == 0, "write 11 MiB");
    CHECK(with_error(config_load(&c, path, true, NULL, NULL), err, sizeof(err)) == -1 &&
              strstr(err, path) && strstr(err, ": larger than 10485760 bytes") &&
              c.max_clients == 33,
          "an 11 MiB file is refused, naming it and the limit: '%s'", err);
    unlink(path);
    config_free(&c);
}

static void sample_config_parses_to_defaults(const char *sample)
{
    struct config c, d;
    char err[512];

    if (!sample)
        return;
    config_init(&d);
    config_init(&c);
    warnings[0] = '\0';
    CHECK(with_error(config_load(&c, sample, true, collect, NULL), err, sizeof(err)) == 0,
          "sample: %s", err);
    CHECK(warnings[0] == '\0', "sample warns: %s", warnings);
    CHECK(c.max_clients == d.max_clients && c.listen_tls == d.listen_tls &&
              c.unix_sock_rw_perms == d.unix_sock_rw_perms,
          "the sample's settings are all commented out");
    config_free(&c);
    config_free(&d);
}

int main(int argc, char **argv)
{
    defaults_are_libvirts();
    every_key_is_read();
    syntax_comments_quotes_lists();
    unknown_and_ignored_keys_warn_with_line();
    bad_values_are_rejected_with_line();
    a_bad_file_changes_nothing();
    files_missing_and_present();
    large_files_up_to_10_mib();
    errors_are_recorded_with_code_and_domain();
    sample_config_parses_to_defaults(argc > 1 ? argv[1] : NULL);
    printf("test-config: %d/%d checks passed\n", checks - failures, checks);
    return failures ? 1 : 0;
}
