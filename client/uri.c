#include "uri.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"

/* libvirt's error domain for URI parsing (virterror.h VIR_FROM_URI). */
#define FROM_URI 45

static const char *const transport_names[] = {
    [URI_TRANSPORT_TLS] = "tls",       [URI_TRANSPORT_UNIX] = "unix",
    [URI_TRANSPORT_SSH] = "ssh",       [URI_TRANSPORT_EXT] = "ext",
    [URI_TRANSPORT_TCP] = "tcp",       [URI_TRANSPORT_LIBSSH2] = "libssh2",
    [URI_TRANSPORT_LIBSSH] = "libssh",
};

const char *uri_transport_name(enum uri_transport t)
{
    if ((size_t)t < sizeof(transport_names) / sizeof(transport_names[0]))
        return transport_names[t];
    return "?";
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *uri_unescape(const char *s, size_t len, int plus_is_space)
{
    char *out = malloc(len + 1);
    size_t o = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%') {
            if (i + 2 >= len) {
                free(out);
                return NULL;
            }
            int h = hexval((unsigned char)s[i + 1]), l = hexval((unsigned char)s[i + 2]);
            if (h < 0 || l < 0) {
                free(out);
                return NULL;
            }
            out[o++] = (char)(h << 4 | l);
            i += 2;
        } else if (s[i] == '+' && plus_is_space) {
            out[o++] = ' ';
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

/* Characters RFC 3986 never allows unescaped in a URI (libxml2, which
 * libvirt parses with, refuses them too). */
static int uri_char_ok(unsigned char c)
{
    if (c <= 0x20 || c >= 0x7f)
        return 0;
    return !strchr("\"<>\\^`{|}", c);
}

static int is_unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Appends s to the buffer at *buf (length *len), escaping every byte that is
 * neither unreserved nor in `keep`, as %XX with upper-case hex. */
static int append_escaped(char **buf, size_t *len, const char *s, const char *keep)
{
    size_t n = strlen(s);
    char *p = realloc(*buf, *len + 3 * n + 1);

    if (!p)
        return -1;
    *buf = p;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (is_unreserved(*c) || (keep && strchr(keep, *c))) {
            p[(*len)++] = (char)*c;
        } else {
            static const char hex[] = "0123456789ABCDEF";
            p[(*len)++] = '%';
            p[(*len)++] = hex[*c >> 4];
            p[(*len)++] = hex[*c & 15];
        }
    }
    p[*len] = '\0';
    return 0;
}

static int append_raw(char **buf, size_t *len, const char *s)
{
    size_t n = strlen(s);
    char *p = realloc(*buf, *len + n + 1);

    if (!p)
        return -1;
    memcpy(p + *len, s, n + 1);
    *buf = p;
    *len += n;
    return 0;
}

void uri_free(struct uri *uri)
{
    if (!uri)
        return;
    free(uri->scheme);
    free(uri->driver);
    free(uri->transport_name);
    free(uri->user);
    free(uri->server);
    free(uri->service);
    free(uri->path);
    free(uri->fragment);
    for (size_t i = 0; i < uri->nparams; i++) {
        free(uri->params[i].name);
        free(uri->params[i].value);
    }
    free(uri->params);
    free(uri->name);
    free(uri->command);
    free(uri->socket);
    free(uri->netcat);
    free(uri->keyfile);
    free(uri->sshauth);
    free(uri->pkipath);
    free(uri->known_hosts);
    free(uri->known_hosts_verify);
    free(uri->tls_priority);
    free(uri->remote_name);
    free(uri);
}

const char *uri_param_get(const struct uri *uri, const char *name)
{
    const char *v = NULL;

    for (size_t i = 0; i < uri->nparams; i++)
        if (strcasecmp(uri->params[i].name, name) == 0)
            v = uri->params[i].value;
    return v;
}

static int bad_uri(const char *str)
{
    error_report(ERR_INTERNAL_ERROR, FROM_URI, "Unable to parse URI %s", str);
    return -1;
}

static int no_memory(void)
{
    error_report(ERR_NO_MEMORY, FROM_URI, NULL);
    return -1;
}

/* Splits the query into variables: separated by '&' or ';', empty fields
 * skipped, "name" alone meaning an empty value (as libvirt does). */
static int parse_query(struct uri *uri, const char *q, size_t qlen, const char *str)
{
    size_t i = 0;

    while (i < qlen) {
        size_t end = i;
        while (end < qlen && q[end] != '&' && q[end] != ';')
            end++;
        if (end > i) {
            const char *eq = memchr(q + i, '=', end - i);
            size_t nlen = eq ? (size_t)(eq - (q + i)) : end - i;
            struct uri_param *p = realloc(uri->params, (uri->nparams + 1) * sizeof(*p));
            if (!p)
                return no_memory();
            uri->params = p;
            p = &uri->params[uri->nparams];
            memset(p, 0, sizeof(*p));
            p->name = uri_unescape(q + i, nlen, 0);
            p->value = eq ? uri_unescape(eq + 1, (size_t)(q + end - (eq + 1)), 1) : strdup("");
            uri->nparams++;
            if (!p->name || !p->value)
                return bad_uri(str);
        }
        i = end + 1;
    }
    return 0;
}

static int set_string(char **dst, const char *value)
{
    char *v = strdup(value);

    if (!v)
        return no_memory();
    free(*dst);
    *dst = v;
    return 0;
}

static int parse_int(const char *name, const char *value, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(value, &end, 10);
    if (!*value || *end || errno || v < -2147483647L - 1 || v > 2147483647L) {
        error_report(ERR_INVALID_ARG, FROM_REMOTE,
                     "Failed to parse value of URI component %s", name);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* Picks out the variables the remote driver uses; the rest are reported on
 * `warn` and left in the server-side name, as libvirt passes them through. */
static int apply_params(struct uri *uri, FILE *warn)
{
    static const struct {
        const char *name;
        size_t off;
    } strings[] = {
        {"name", offsetof(struct uri, name)},
        {"command", offsetof(struct uri, command)},
        {"socket", offsetof(struct uri, socket)},
        {"netcat", offsetof(struct uri, netcat)},
        {"keyfile", offsetof(struct uri, keyfile)},
        {"sshauth", offsetof(struct uri, sshauth)},
        {"pkipath", offsetof(struct uri, pkipath)},
        {"known_hosts", offsetof(struct uri, known_hosts)},
        {"known_hosts_verify", offsetof(struct uri, known_hosts_verify)},
        {"tls_priority", offsetof(struct uri, tls_priority)},
    };

    for (size_t i = 0; i < uri->nparams; i++) {
        struct uri_param *p = &uri->params[i];
        size_t k;

        p->known = 1;
        for (k = 0; k < sizeof(strings) / sizeof(strings[0]); k++)
            if (strcasecmp(p->name, strings[k].name) == 0)
                break;
        if (k < sizeof(strings) / sizeof(strings[0])) {
            if (set_string((char **)((char *)uri + strings[k].off), p->value) < 0)
                return -1;
        } else if (strcasecmp(p->name, "no_verify") == 0) {
            if (parse_int("no_verify", p->value, &uri->no_verify) < 0)
                return -1;
        } else if (strcasecmp(p->name, "reconnect") == 0) {
            if (parse_int("reconnect", p->value, &uri->reconnect) < 0)
                return -1;
        } else if (strcasecmp(p->name, "no_tty") == 0) {
            if (parse_int("no_tty", p->value, &uri->no_tty) < 0)
                return -1;
        } else if (strcasecmp(p->name, "mode") == 0) {
            if (strcmp(p->value, "auto") == 0)
                uri->mode = URI_MODE_AUTO;
            else if (strcmp(p->value, "direct") == 0)
                uri->mode = URI_MODE_DIRECT;
            else if (strcmp(p->value, "legacy") == 0)
                uri->mode = URI_MODE_LEGACY;
            else {
                error_report(ERR_INVALID_ARG, FROM_REMOTE, "Unknown remote mode '%s'",
                             p->value);
                return -1;
            }
        } else if (strcasecmp(p->name, "proxy") == 0) {
            if (strcmp(p->value, "auto") == 0)
                uri->proxy = URI_PROXY_AUTO;
            else if (strcmp(p->value, "netcat") == 0)
                uri->proxy = URI_PROXY_NETCAT;
            else if (strcmp(p->value, "native") == 0)
                uri->proxy = URI_PROXY_NATIVE;
            else {
                /* The misspelling is libvirt 9.0's, kept so that errors
                 * read the same against either library. */
                error_report(ERR_INVALID_ARG, FROM_REMOTE, "Unnkown proxy type '%s'",
                             p->value);
                return -1;
            }
        } else {
            p->known = 0;
            if (warn)
                fprintf(warn,
                        "libvirt: warning: URI variable '%s' is not understood by the "
                        "remote driver; it is passed to the server unchanged\n",
                        p->name);
        }
    }
    return 0;
}

static int split_scheme(struct uri *uri)
{
    const char *plus = strchr(uri->scheme, '+');
    size_t k;

    uri->driver = plus ? strndup(uri->scheme, (size_t)(plus - uri->scheme))
                       : strdup(uri->scheme);
    if (!uri->driver)
        return no_memory();
    if (!plus) {
        uri->transport = uri->server ? URI_TRANSPORT_TLS : URI_TRANSPORT_UNIX;
        uri->local = !uri->server;
        return 0;
    }
    uri->transport_name = strdup(plus + 1);
    if (!uri->transport_name)
        return no_memory();
    for (k = 0; k < sizeof(transport_names) / sizeof(transport_names[0]); k++)
        if (strcasecmp(plus + 1, transport_names[k]) == 0)
            break;
    if (k == sizeof(transport_names) / sizeof(transport_names[0])) {
        error_report(ERR_INVALID_ARG, FROM_REMOTE,
                     "remote_open: transport in URL not recognised (should be "
                     "tls|unix|ssh|ext|tcp|libssh2|libssh)");
        return -1;
    }
    uri->transport = (enum uri_transport)k;
    uri->transport_given = 1;
    return 0;
}

/* The port string to connect to when none is given. */
static int set_service(struct uri *uri)
{
    char buf[16];
    const char *svc = NULL;

    if (uri->port > 0) {
        snprintf(buf, sizeof(buf), "%d", uri->port);
        svc = buf;
    } else if (uri->transport == URI_TRANSPORT_TLS) {
        svc = "16514";
    } else if (uri->transport == URI_TRANSPORT_TCP) {
        svc = "16509";
    } else if (uri->transport == URI_TRANSPORT_SSH ||
               uri->transport == URI_TRANSPORT_LIBSSH ||
               uri->transport == URI_TRANSPORT_LIBSSH2) {
        svc = "22";
    }
    if (svc && uri->transport != URI_TRANSPORT_UNIX && uri->transport != URI_TRANSPORT_EXT) {
        uri->service = strdup(svc);
        if (!uri->service)
            return no_memory();
    }
    return 0;
}

/* The server-side name: scheme without transport, "//" with no authority,
 * the path, the variables we did not use and the fragment. */
static int compute_remote_name(struct uri *uri)
{
    char *buf = NULL;
    size_t len = 0;
    int first = 1;

    if (uri->name)
        return set_string(&uri->remote_name, uri->name);
    /* "remote://host/" lets the server probe for its default driver. */
    if (strcasecmp(uri->driver, "remote") == 0)
        return set_string(&uri->remote_name, "");
    if (append_raw(&buf, &len, uri->driver) < 0 || append_raw(&buf, &len, "://") < 0)
        goto oom;
    if (uri->path && append_escaped(&buf, &len, uri->path, "/;:@&=+$,!*'()") < 0)
        goto oom;
    for (size_t i = 0; i < uri->nparams; i++) {
        if (uri->params[i].known)
            continue;
        if (append_raw(&buf, &len, first ? "?" : "&") < 0 ||
            append_escaped(&buf, &len, uri->params[i].name, NULL) < 0 ||
            append_raw(&buf, &len, "=") < 0 ||
            append_escaped(&buf, &len, uri->params[i].value, NULL) < 0)
            goto oom;
        first = 0;
    }
    if (uri->fragment && (append_raw(&buf, &len, "#") < 0 ||
                          append_escaped(&buf, &len, uri->fragment, "/?:@!$&'()*+,;=") < 0))
        goto oom;
    uri->remote_name = buf;
    return 0;
oom:
    free(buf);
    return no_memory();
}

/* Splits "[user@]host[:port]" (host may be "[v6addr]"). */
static int parse_authority(struct uri *uri, const char *a, size_t alen, const char *str)
{
    const char *at = memchr(a, '@', alen);
    const char *host = a, *end = a + alen, *hend, *colon = NULL;

    if (at) {
        uri->user = uri_unescape(a, (size_t)(at - a), 0);
        if (!uri->user)
            return bad_uri(str);
        host = at + 1;
        if (memchr(host, '@', (size_t)(end - host)))
            return bad_uri(str);
    }
    if (host < end && *host == '[') {
        const char *close = memchr(host, ']', (size_t)(end - host));
        if (!close || close == host + 1)
            return bad_uri(str);
        for (const char *c = host + 1; c < close; c++)
            if (!isxdigit((unsigned char)*c) && *c != ':' && *c != '.')
                return bad_uri(str);
        uri->server = strndup(host + 1, (size_t)(close - host - 1));
        if (!uri->server)
            return no_memory();
        if (close + 1 < end && close[1] != ':')
            return bad_uri(str);
        colon = close + 1 < end ? close + 1 : NULL;
    } else {
        colon = memchr(host, ':', (size_t)(end - host));
        hend = colon ? colon : end;
        for (const char *c = host; c < hend; c++)
            if (!is_unreserved((unsigned char)*c) && *c != '%' &&
                !strchr("!$&'()*+,;=", *c))
                return bad_uri(str);
        if (hend > host) {
            uri->server = uri_unescape(host, (size_t)(hend - host), 0);
            if (!uri->server)
                return bad_uri(str);
        }
    }
    if (colon) {
        long port = 0;
        for (const char *c = colon + 1; c < end; c++) {
            if (!isdigit((unsigned char)*c))
                return bad_uri(str);
            port = port * 10 + (*c - '0');
            if (port > 65535)
                return bad_uri(str);
        }
        uri->port = (int)port;
    }
    return 0;
}

static int parse_scheme_and_rest(struct uri *uri, const char *str, FILE *warn)
{
    const char *colon = strchr(str, ':');
    const char *p, *end;

    for (p = str; *p; p++)
        if (!uri_char_ok((unsigned char)*p) && *p != '%')
            return bad_uri(str);
    if (!colon || colon == str || !isalpha((unsigned char)str[0])) {
        error_report(ERR_NO_CONNECT, FROM_NONE, "URI '%s' does not include a driver name",
                     str);
        return -1;
    }
    for (p = str; p < colon; p++)
        if (!isalnum((unsigned char)*p) && !strchr("+-.", *p)) {
            error_report(ERR_NO_CONNECT, FROM_NONE,
                         "URI '%s' does not include a driver name", str);
            return -1;
        }
    uri->scheme = strndup(str, (size_t)(colon - str));
    if (!uri->scheme)
        return no_memory();

    p = colon + 1;
    if (p[0] == '/' && p[1] == '/') {
        p += 2;
        end = p + strcspn(p, "/?#");
        if (parse_authority(uri, p, (size_t)(end - p), str) < 0)
            return -1;
        p = end;
    }
    end = p + strcspn(p, "?#");
    if (end > p) {
        uri->path = uri_unescape(p, (size_t)(end - p), 0);
        if (!uri->path)
            return bad_uri(str);
    }
    p = end;
    if (*p == '?') {
        end = p + 1 + strcspn(p + 1, "#");
        if (parse_query(uri, p + 1, (size_t)(end - p - 1), str) < 0)
            return -1;
        p = end;
    }
    if (*p == '#') {
        uri->fragment = uri_unescape(p + 1, strlen(p + 1), 0);
        if (!uri->fragment)
            return bad_uri(str);
    }

    if (split_scheme(uri) < 0 || apply_params(uri, warn) < 0 || set_service(uri) < 0)
        return -1;
    if (uri->transport == URI_TRANSPORT_EXT && !uri->command) {
        error_report(ERR_INVALID_ARG, FROM_REMOTE,
                     "remote_open: for 'ext' transport, command is required");
        return -1;
    }
    return compute_remote_name(uri);
}

int uri_parse(const char *str, FILE *warn, struct uri **out)
{
    struct uri *uri = calloc(1, sizeof(*uri));

    *out = NULL;
    if (!uri)
        return no_memory();
    if (!str || !*str) {
        uri->transport = URI_TRANSPORT_UNIX;
        uri->local = 1;
        *out = uri;
        return 0;
    }
    if (parse_scheme_and_rest(uri, str, warn) < 0) {
        uri_free(uri);
        return -1;
    }
    *out = uri;
    return 0;
}
