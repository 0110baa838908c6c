/* Unit tests for client/uri: every example of the seed's URI table and of
 * libvirt's uri.html, plus the edge cases (IPv6, escapes, empty paths,
 * repeated and unknown variables, malformed URIs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "uri.h"

static int failures;
static int checks;

#define FAIL(name, ...)                                                                  \
    do {                                                                                 \
        fprintf(stderr, "FAIL %s: ", name);                                              \
        fprintf(stderr, __VA_ARGS__);                                                    \
        fputc('\n', stderr);                                                             \
        failures++;                                                                      \
    } while (0)

static void expect_str(const char *test, const char *what, const char *got,
                       const char *want)
{
    checks++;
    if ((got == NULL) != (want == NULL) || (got && strcmp(got, want) != 0))
        FAIL(test, "%s: expected %s%s%s, got %s%s%s", what, want ? "'" : "",
             want ? want : "NULL", want ? "'" : "", got ? "'" : "", got ? got : "NULL",
             got ? "'" : "");
}

static void expect_int(const char *test, const char *what, long got, long want)
{
    checks++;
    if (got != want)
        FAIL(test, "%s: expected %ld, got %ld", what, want, got);
}

/* Parses `str`, failing the test (and returning NULL) when it does not
 * parse; warnings go to `warn`. */
static struct uri *parse_ok(const char *test, const char *str, FILE *warn)
{
    struct uri *u = NULL;

    checks++;
    if (uri_parse(str, warn, &u) < 0) {
        const struct error *e = error_last();
        FAIL(test, "'%s' should parse, got error '%s'", str ? str : "(null)",
             e && e->message ? e->message : "(none)");
        return NULL;
    }
    return u;
}

static void parse_fails(const char *test, const char *str, int code, const char *message)
{
    struct uri *u = NULL;

    checks++;
    error_clear();
    if (uri_parse(str, NULL, &u) == 0) {
        FAIL(test, "'%s' should not parse", str);
        uri_free(u);
        return;
    }
    if (u)
        FAIL(test, "*out must be NULL after a failure");
    const struct error *e = error_last();
    if (!e) {
        FAIL(test, "'%s' failed without recording an error", str);
        return;
    }
    expect_int(test, "error code", e->code, code);
    expect_str(test, "error message", e->message, message);
}

/* The fields most tests look at, in one call. */
static void expect_uri(const char *test, const struct uri *u, const char *driver,
                       enum uri_transport transport, const char *server,
                       const char *service, const char *path, const char *remote_name)
{
    if (!u)
        return;
    expect_str(test, "driver", u->driver, driver);
    expect_str(test, "transport", uri_transport_name(u->transport),
               uri_transport_name(transport));
    expect_str(test, "server", u->server, server);
    expect_str(test, "service", u->service, service);
    expect_str(test, "path", u->path, path);
    expect_str(test, "remote_name", u->remote_name, remote_name);
}

static void seed_examples(void)
{
    struct uri *u;

    u = parse_ok("seed_xend_server_defaults_to_tls", "xend://server/", NULL);
    expect_uri("seed_xend_server_defaults_to_tls", u, "xend", URI_TRANSPORT_TLS, "server",
               "16514", "/", "xend:///");
    if (u)
        expect_int("seed_xend_server_defaults_to_tls", "local", u->local, 0);
    uri_free(u);

    u = parse_ok("seed_unix_session", "qemud+unix:///session", NULL);
    expect_uri("seed_unix_session", u, "qemud", URI_TRANSPORT_UNIX, NULL, NULL,
               "/session", "qemud:///session");
    if (u) {
        expect_int("seed_unix_session", "local", u->local, 0);
        expect_int("seed_unix_session", "transport_given", u->transport_given, 1);
    }
    uri_free(u);

    u = parse_ok("seed_ssh_command", "qemud+ssh://server/session?command=/opt/openssh/bin/ssh",
                 NULL);
    expect_uri("seed_ssh_command", u, "qemud", URI_TRANSPORT_SSH, "server", "22",
               "/session", "qemud:///session");
    if (u)
        expect_str("seed_ssh_command", "command", u->command, "/opt/openssh/bin/ssh");
    uri_free(u);

    u = parse_ok("seed_tcp_port_5000", "qemud+tcp://server:5000/session", NULL);
    expect_uri("seed_tcp_port_5000", u, "qemud", URI_TRANSPORT_TCP, "server", "5000",
               "/session", "qemud:///session");
    if (u)
        expect_int("seed_tcp_port_5000", "port", u->port, 5000);
    uri_free(u);

    u = parse_ok("seed_ext_command", "xend+ext:///?command=my_shell_script", NULL);
    expect_uri("seed_ext_command", u, "xend", URI_TRANSPORT_EXT, NULL, NULL, "/",
               "xend:///");
    if (u)
        expect_str("seed_ext_command", "command", u->command, "my_shell_script");
    uri_free(u);

    /* The seed's table: every variable, with its escaping rules. */
    u = parse_ok("seed_variables",
                 "qemud+ssh://server/session?command=my+ssh&name=qemud%3A%2F%2F%2Fsystem"
                 "&socket=/var/run/a%20sock&netcat=/bin/nc%2b&no_verify=1",
                 NULL);
    expect_uri("seed_variables", u, "qemud", URI_TRANSPORT_SSH, "server", "22",
               "/session", "qemud:///system");
    if (u) {
        expect_str("seed_variables", "command", u->command, "my ssh");
        expect_str("seed_variables", "name", u->name, "qemud:///system");
        expect_str("seed_variables", "socket", u->socket, "/var/run/a sock");
        expect_str("seed_variables", "netcat", u->netcat, "/bin/nc+");
        expect_int("seed_variables", "no_verify", u->no_verify, 1);
    }
    uri_free(u);

    u = parse_ok("seed_percent_literal", "test+tls://h/x?pkipath=%25dir%25", NULL);
    if (u)
        expect_str("seed_percent_literal", "pkipath", u->pkipath, "%dir%");
    uri_free(u);
}

static void libvirt_doc_examples(void)
{
    struct uri *u;

    u = parse_ok("doc_ssh_user", "xen+ssh://rjones@towada/system", NULL);
    expect_uri("doc_ssh_user", u, "xen", URI_TRANSPORT_SSH, "towada", "22", "/system",
               "xen:///system");
    if (u)
        expect_str("doc_ssh_user", "user", u->user, "rjones");
    uri_free(u);

    u = parse_ok("doc_tls_no_verify", "xen://towada/system?no_verify=1", NULL);
    expect_uri("doc_tls_no_verify", u, "xen", URI_TRANSPORT_TLS, "towada", "16514",
               "/system", "xen:///system");
    if (u)
        expect_int("doc_tls_no_verify", "no_verify", u->no_verify, 1);
    uri_free(u);

    u = parse_ok("doc_unix_socket",
                 "qemu+unix:///system?socket=/opt/libvirt/run/libvirt/libvirt-sock", NULL);
    expect_uri("doc_unix_socket", u, "qemu", URI_TRANSPORT_UNIX, NULL, NULL, "/system",
               "qemu:///system");
    if (u)
        expect_str("doc_unix_socket", "socket", u->socket,
                   "/opt/libvirt/run/libvirt/libvirt-sock");
    uri_free(u);

    u = parse_ok("doc_tcp_localhost", "test+tcp://localhost:5000/default", NULL);
    expect_uri("doc_tcp_localhost", u, "test", URI_TRANSPORT_TCP, "localhost", "5000",
               "/default", "test:///default");
    uri_free(u);

    u = parse_ok("doc_libssh2_known_hosts",
                 "qemu+libssh2://user@host/system?known_hosts=/home/user/.ssh/known_hosts",
                 NULL);
    expect_uri("doc_libssh2_known_hosts", u, "qemu", URI_TRANSPORT_LIBSSH2, "host", "22",
               "/system", "qemu:///system");
    if (u) {
        expect_str("doc_libssh2_known_hosts", "user", u->user, "user");
        expect_str("doc_libssh2_known_hosts", "known_hosts", u->known_hosts,
                   "/home/user/.ssh/known_hosts");
    }
    uri_free(u);

    u = parse_ok("doc_every_variable",
                 "qemu+ssh://h/system?mode=direct&proxy=native&keyfile=/k&no_tty=1"
                 "&sshauth=privkey,agent&known_hosts_verify=ignore"
                 "&tls_priority=NORMAL:-VERS-SSL3.0",
                 NULL);
    if (u) {
        expect_int("doc_every_variable", "mode", u->mode, URI_MODE_DIRECT);
        expect_int("doc_every_variable", "proxy", u->proxy, URI_PROXY_NATIVE);
        expect_str("doc_every_variable", "keyfile", u->keyfile, "/k");
        expect_int("doc_every_variable", "no_tty", u->no_tty, 1);
        expect_str("doc_every_variable", "sshauth", u->sshauth, "privkey,agent");
        expect_str("doc_every_variable", "known_hosts_verify", u->known_hosts_verify,
                   "ignore");
        expect_str("doc_every_variable", "tls_priority", u->tls_priority,
                   "NORMAL:-VERS-SSL3.0");
        expect_str("doc_every_variable", "remote_name", u->remote_name, "qemu:///system");
    }
    uri_free(u);
}

static void local_uris(void)
{
    struct uri *u;

    u = parse_ok("local_test_default_is_local_unix", "test:///default", NULL);
    expect_uri("local_test_default_is_local_unix", u, "test", URI_TRANSPORT_UNIX, NULL,
               NULL, "/default", "test:///default");
    if (u) {
        expect_int("local_test_default_is_local_unix", "local", u->local, 1);
        expect_int("local_test_default_is_local_unix", "transport_given",
                   u->transport_given, 0);
    }
    uri_free(u);

    u = parse_ok("local_null_uri_lets_server_choose", NULL, NULL);
    if (u) {
        expect_int("local_null_uri_lets_server_choose", "local", u->local, 1);
        expect_str("local_null_uri_lets_server_choose", "remote_name", u->remote_name,
                   NULL);
    }
    uri_free(u);

    u = parse_ok("local_empty_uri_lets_server_choose", "", NULL);
    if (u)
        expect_str("local_empty_uri_lets_server_choose", "remote_name", u->remote_name,
                   NULL);
    uri_free(u);

    u = parse_ok("local_test_file_path", "test:///tmp/my%20node.xml", NULL);
    expect_uri("local_test_file_path", u, "test", URI_TRANSPORT_UNIX, NULL, NULL,
               "/tmp/my node.xml", "test:///tmp/my%20node.xml");
    uri_free(u);

    u = parse_ok("remote_scheme_lets_server_probe", "remote://host/", NULL);
    expect_uri("remote_scheme_lets_server_probe", u, "remote", URI_TRANSPORT_TLS, "host",
               "16514", "/", "");
    uri_free(u);
}

static void ipv6_hosts(void)
{
    struct uri *u;

    u = parse_ok("ipv6_loopback_with_port", "test+tcp://[::1]:16600/default", NULL);
    expect_uri("ipv6_loopback_with_port", u, "test", URI_TRANSPORT_TCP, "::1", "16600",
               "/default", "test:///default");
    uri_free(u);

    u = parse_ok("ipv6_default_tls_port", "qemu://user@[fe80::1:2]/system", NULL);
    expect_uri("ipv6_default_tls_port", u, "qemu", URI_TRANSPORT_TLS, "fe80::1:2",
               "16514", "/system", "qemu:///system");
    if (u)
        expect_str("ipv6_default_tls_port", "user", u->user, "user");
    uri_free(u);

    u = parse_ok("ipv6_v4_mapped", "test+tcp://[::ffff:127.0.0.1]/default", NULL);
    expect_uri("ipv6_v4_mapped", u, "test", URI_TRANSPORT_TCP, "::ffff:127.0.0.1", "16509",
               "/default", "test:///default");
    uri_free(u);

    parse_fails("ipv6_unclosed_bracket", "test://[::1/default", 1,
                "internal error: Unable to parse URI test://[::1/default");
    parse_fails("ipv6_junk_after_bracket", "test://[::1]x/default", 1,
                "internal error: Unable to parse URI test://[::1]x/default");
    parse_fails("ipv6_not_an_address", "test://[host]/default", 1,
                "internal error: Unable to parse URI test://[host]/default");
}

static void escapes_and_paths(void)
{
    struct uri *u;

    u = parse_ok("escapes_plus_is_space_in_values",
                 "test+ssh://h/x?command=a+b%2bc%25d%20e&netcat=%2Fusr%2Fbin%2Fnc", NULL);
    if (u) {
        expect_str("escapes_plus_is_space_in_values", "command", u->command, "a b+c%d e");
        expect_str("escapes_plus_is_space_in_values", "netcat", u->netcat, "/usr/bin/nc");
    }
    uri_free(u);

    u = parse_ok("escapes_in_user_and_host", "test+ssh://us%40er@ho%73t:2222/x", NULL);
    expect_uri("escapes_in_user_and_host", u, "test", URI_TRANSPORT_SSH, "host", "2222",
               "/x", "test:///x");
    if (u)
        expect_str("escapes_in_user_and_host", "user", u->user, "us@er");
    uri_free(u);

    u = parse_ok("empty_path_without_slash", "test+tcp://host", NULL);
    expect_uri("empty_path_without_slash", u, "test", URI_TRANSPORT_TCP, "host", "16509",
               NULL, "test://");
    uri_free(u);

    u = parse_ok("empty_path_with_slash", "test+tcp://host/", NULL);
    expect_uri("empty_path_with_slash", u, "test", URI_TRANSPORT_TCP, "host", "16509", "/",
               "test:///");
    uri_free(u);

    u = parse_ok("empty_path_with_query", "test+tcp://host?socket=/s", NULL);
    expect_uri("empty_path_with_query", u, "test", URI_TRANSPORT_TCP, "host", "16509",
               NULL, "test://");
    uri_free(u);

    u = parse_ok("empty_port_is_default", "test+tcp://host:/default", NULL);
    expect_uri("empty_port_is_default", u, "test", URI_TRANSPORT_TCP, "host", "16509",
               "/default", "test:///default");
    uri_free(u);

    u = parse_ok("transport_name_is_case_insensitive", "test+TCP://host/default", NULL);
    expect_uri("transport_name_is_case_insensitive", u, "test", URI_TRANSPORT_TCP, "host",
               "16509", "/default", "test:///default");
    uri_free(u);

    u = parse_ok("fragment_is_kept_in_name", "test:///default#frag", NULL);
    if (u)
        expect_str("fragment_is_kept_in_name", "remote_name", u->remote_name,
                   "test:///default#frag");
    uri_free(u);

    u = parse_ok("name_variable_overrides", "test+tcp://h/x?name=test:///default&socket=/s",
                 NULL);
    if (u)
        expect_str("name_variable_overrides", "remote_name", u->remote_name,
                   "test:///default");
    uri_free(u);

    parse_fails("bad_escape_in_value", "test+unix:///x?socket=%zz", 1,
                "internal error: Unable to parse URI test+unix:///x?socket=%zz");
    parse_fails("truncated_escape_in_value", "test+unix:///x?socket=a%4", 1,
                "internal error: Unable to parse URI test+unix:///x?socket=a%4");
    parse_fails("bad_escape_in_path", "test:///a%g0", 1,
                "internal error: Unable to parse URI test:///a%g0");
}

static void repeated_and_unknown_variables(void)
{
    struct uri *u;
    char *buf = NULL;
    size_t len = 0;
    FILE *warn;

    u = parse_ok("repeated_variable_last_wins",
                 "test+ssh://h/x?socket=/a&socket=/b&no_verify=1&no_verify=0&proxy=netcat"
                 "&proxy=native",
                 NULL);
    if (u) {
        expect_str("repeated_variable_last_wins", "socket", u->socket, "/b");
        expect_int("repeated_variable_last_wins", "no_verify", u->no_verify, 0);
        expect_int("repeated_variable_last_wins", "proxy", u->proxy, URI_PROXY_NATIVE);
        expect_int("repeated_variable_last_wins", "nparams", (long)u->nparams, 6);
        expect_str("repeated_variable_last_wins", "remote_name", u->remote_name,
                   "test:///x");
    }
    uri_free(u);

    u = parse_ok("variable_names_are_case_insensitive", "test+unix:///x?SOCKET=/s", NULL);
    if (u)
        expect_str("variable_names_are_case_insensitive", "socket", u->socket, "/s");
    uri_free(u);

    u = parse_ok("semicolon_and_empty_fields", "test+unix:///x?;socket=/s;&&netcat=n&",
                 NULL);
    if (u) {
        expect_str("semicolon_and_empty_fields", "socket", u->socket, "/s");
        expect_str("semicolon_and_empty_fields", "netcat", u->netcat, "n");
        expect_int("semicolon_and_empty_fields", "nparams", (long)u->nparams, 2);
    }
    uri_free(u);

    warn = open_memstream(&buf, &len);
    u = parse_ok("unknown_variables_warn_and_pass_through",
                 "test+tcp://h/default?foo=a+b&socket=/s&bar&foo=2", warn);
    fclose(warn);
    if (u) {
        expect_str("unknown_variables_warn_and_pass_through", "remote_name", u->remote_name,
                   "test:///default?foo=a%20b&bar=&foo=2");
        expect_str("unknown_variables_warn_and_pass_through", "uri_param_get foo",
                   uri_param_get(u, "foo"), "2");
    }
    expect_str("unknown_variables_warn_and_pass_through", "warnings", buf,
               "libvirt: warning: URI variable 'foo' is not understood by the remote "
               "driver; it is passed to the server unchanged\n"
               "libvirt: warning: URI variable 'bar' is not understood by the remote "
               "driver; it is passed to the server unchanged\n"
               "libvirt: warning: URI variable 'foo' is not understood by the remote "
               "driver; it is passed to the server unchanged\n");
    free(buf);
    uri_free(u);

    u = parse_ok("known_variables_do_not_warn", "test+unix:///x?socket=/s&mode=legacy",
                 NULL);
    uri_free(u);
}

static void bad_uris(void)
{
    parse_fails("no_scheme", "foo", 5,
                "no connection driver available for URI 'foo' does not include a driver "
                "name");
    parse_fails("unknown_transport", "test+foo:///default", 8,
                "invalid argument: remote_open: transport in URL not recognised (should be "
                "tls|unix|ssh|ext|tcp|libssh2|libssh)");
    parse_fails("empty_transport", "test+://h/default", 8,
                "invalid argument: remote_open: transport in URL not recognised (should be "
                "tls|unix|ssh|ext|tcp|libssh2|libssh)");
    parse_fails("space_in_uri", "test:///def ault", 1,
                "internal error: Unable to parse URI test:///def ault");
    parse_fails("port_not_a_number", "test+tcp://h:abc/default", 1,
                "internal error: Unable to parse URI test+tcp://h:abc/default");
    parse_fails("port_out_of_range", "test+tcp://h:65536/default", 1,
                "internal error: Unable to parse URI test+tcp://h:65536/default");
    parse_fails("two_at_signs", "test+ssh://a@b@h/default", 1,
                "internal error: Unable to parse URI test+ssh://a@b@h/default");
    parse_fails("ext_needs_command", "test+ext:///default", 8,
                "invalid argument: remote_open: for 'ext' transport, command is required");
    parse_fails("no_verify_not_a_number", "test+ssh://h/default?no_verify=x", 8,
                "invalid argument: Failed to parse value of URI component no_verify");
    parse_fails("no_tty_empty", "test+ssh://h/default?no_tty", 8,
                "invalid argument: Failed to parse value of URI component no_tty");
    parse_fails("bad_mode", "test+ssh://h/default?mode=bad", 8,
                "invalid argument: Unknown remote mode 'bad'");
    parse_fails("bad_proxy", "test+ssh://h/default?proxy=bad", 8,
                "invalid argument: Unnkown proxy type 'bad'");
}

int main(void)
{
    seed_examples();
    libvirt_doc_examples();
    local_uris();
    ipv6_hosts();
    escapes_and_paths();
    repeated_and_unknown_variables();
    bad_uris();
    error_clear();
    printf("%d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
