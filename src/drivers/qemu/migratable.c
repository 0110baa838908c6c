#include "migratable.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* The XML this works on is the driver's own output: one element per line,
 * two spaces of indentation per level. */
struct lines {
    char **v;
    size_t n;
};

static void lines_free(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static int lines_split(const char *text, struct lines *l)
{
    size_t cap = 64;

    l->n = 0;
    l->v = malloc(cap * sizeof(*l->v));
    if (!l->v)
        return -1;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (l->n == cap) {
            char **v = realloc(l->v, 2 * cap * sizeof(*v));
            if (!v)
                return -1;
            l->v = v;
            cap *= 2;
        }
        if (!(l->v[l->n] = strndup(p, len)))
            return -1;
        l->n++;
        p += len + (nl ? 1 : 0);
    }
    return 0;
}

static void drop(struct lines *l, size_t i)
{
    free(l->v[i]);
    memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(*l->v));
    l->n--;
}

static const char *trimmed(const char *s)
{
    return s + strspn(s, " ");
}

static size_t indent(const char *s)
{
    return strspn(s, " ");
}

/* The end (exclusive) of the element that starts at line i. */
static size_t element_end(const struct lines *l, size_t i)
{
    const char *t = trimmed(l->v[i]);
    size_t len = strlen(t), ind = indent(l->v[i]);

    if (len >= 2 && strcmp(t + len - 2, "/>") == 0)
        return i + 1;
    for (size_t j = i + 1; j < l->n; j++)
        if (indent(l->v[j]) == ind && strncmp(trimmed(l->v[j]), "</", 2) == 0)
            return j + 1;
    return i + 1;
}

/* <x a='b'> then </x>, nothing between: <x a='b'/>. */
static int collapse(struct lines *l)
{
    for (size_t i = 0; i + 1 < l->n; i++) {
        const char *t = trimmed(l->v[i]), *u = trimmed(l->v[i + 1]);
        size_t len = strlen(t), name = strcspn(t + 1, " >");
        if (t[0] != '<' || t[1] == '/' || len < 2 || t[len - 1] != '>' || t[len - 2] == '/' ||
            indent(l->v[i]) != indent(l->v[i + 1]) || strncmp(u, "</", 2) != 0 ||
            strncmp(u + 2, t + 1, name) != 0 || u[2 + name] != '>')
            continue;
        size_t n = strlen(l->v[i]);
        char *s = malloc(n + 2);
        if (!s)
            return -1;
        memcpy(s, l->v[i], n - 1);
        memcpy(s + n - 1, "/>", 3);
        free(l->v[i]);
        l->v[i] = s;
        drop(l, i + 1);
    }
    return 0;
}

static const char *const implicit[] = {
    "<controller type='pci' index='0' model='pci-root'/>",
    "<controller type='usb' index='0' model='piix3-uhci'/>",
    "<input type='keyboard' bus='ps2'/>",
    "<audio id='1' type='none'/>",
};

static bool is_default_usb(const struct lines *l, size_t i)
{
    return i + 2 < l->n &&
           strcmp(trimmed(l->v[i]), "<controller type='usb' index='0' model='piix3-uhci'>") == 0 &&
           strcmp(trimmed(l->v[i + 1]), "<address type='pci' domain='0x0000' bus='0x00' "
                                        "slot='0x01' function='0x2'/>") == 0 &&
           strcmp(trimmed(l->v[i + 2]), "</controller>") == 0;
}

/* The domain's own <cpu> element (a child of <domain>): [*start, *end). */
static bool find_cpu(const struct lines *l, size_t *start, size_t *end)
{
    for (size_t i = 1; i < l->n; i++) {
        const char *t = trimmed(l->v[i]);
        if (indent(l->v[i]) == 2 && strncmp(t, "<cpu", 4) == 0 && (t[4] == ' ' || t[4] == '>' ||
                                                                   t[4] == '/')) {
            *start = i;
            *end = element_end(l, i);
            return true;
        }
    }
    return false;
}

/* Replaces lines [s, e) of l with lines [ds, de) of d (copied). */
static int splice(struct lines *l, size_t s, size_t e, const struct lines *d, size_t ds, size_t de)
{
    size_t add = de - ds, n = l->n - (e - s) + add, k = 0;
    char **v = malloc((n ? n : 1) * sizeof(*v));

    if (!v)
        return -1;
    for (size_t i = 0; i < s; i++)
        v[k++] = l->v[i];
    for (size_t i = ds; i < de; i++)
        if (!(v[k++] = strdup(d->v[i]))) {
            while (k-- > s)
                free(v[k]);
            free(v);
            return -1;
        }
    for (size_t i = s; i < e; i++)
        free(l->v[i]);
    for (size_t i = e; i < l->n; i++)
        v[k++] = l->v[i];
    free(l->v);
    l->v = v;
    l->n = k;
    return 0;
}

/* Whether line is one of [s, e) of d. */
static bool has_line(const struct lines *d, size_t s, size_t e, const char *line)
{
    for (size_t i = s; i < e; i++)
        if (strcmp(d->v[i], line) == 0)
            return true;
    return false;
}

/* The CPU as QEMU expanded it goes back to the CPU it started with:
 * check='none', without the features the expansion required (those the
 * definition does not name). */
static void original_cpu(struct lines *l, const struct lines *def)
{
    size_t s, e, ds = 0, de = 0;

    if (!find_cpu(l, &s, &e))
        return;
    find_cpu(def, &ds, &de);
    char *check = strstr(l->v[s], " check='full'");
    if (check)
        memcpy(check, " check='none'", 13);
    for (size_t i = s + 1; i + 1 < e;) {
        if (strncmp(trimmed(l->v[i]), "<feature ", 9) == 0 && !has_line(def, ds, de, l->v[i])) {
            drop(l, i);
            e--;
        } else {
            i++;
        }
    }
}

/* The k-th element of l at indentation ind whose line starts with open. */
static bool find_nth(const struct lines *l, const char *open, size_t ind, size_t k, size_t *s,
                     size_t *e)
{
    for (size_t i = 0; i < l->n; i++)
        if (indent(l->v[i]) == ind && strncmp(trimmed(l->v[i]), open, strlen(open)) == 0 &&
            k-- == 0) {
            *s = i;
            *e = element_end(l, i);
            return true;
        }
    return false;
}

/* Each graphics device as it was defined: the port and the listen address
 * a start filled in go. */
static int defined_graphics(struct lines *l, const struct lines *def)
{
    size_t s, e, ds, de;

    for (size_t k = 0; find_nth(l, "<graphics ", 4, k, &s, &e); k++)
        if (find_nth(def, "<graphics ", 4, k, &ds, &de) && splice(l, s, e, def, ds, de) < 0)
            return -1;
    return 0;
}

/* Removes attr (" name='...'") from line i, if there. */
static void drop_attr(struct lines *l, size_t i, const char *name)
{
    char *a = strstr(l->v[i], name);
    char *q = a ? strchr(a + strlen(name), '\'') : NULL;
    if (q)
        memmove(a, q + 1, strlen(q + 1) + 1);
}

/* What a run gave devices: the index of each disk source, the pty paths
 * of serial ports and consoles, the tap names made up for interfaces. And
 * a disk driver without a format, raw for older libvirt. */
static int run_facts(struct lines *l)
{
    const char *kind = "";

    for (size_t i = 0; i < l->n;) {
        const char *t = trimmed(l->v[i]);
        if (indent(l->v[i]) == 4)
            kind = t;
        if (strncmp(t, "<source ", 8) == 0 && strncmp(kind, "<disk ", 6) == 0)
            drop_attr(l, i, " index='");
        if (strncmp(kind, "<disk ", 6) == 0 && strcmp(t, "<driver name='qemu'/>") == 0) {
            size_t n = strlen(l->v[i]);
            char *v = malloc(n + 12);
            if (!v)
                return -1;
            memcpy(v, l->v[i], n - 2);
            memcpy(v + n - 2, " type='raw'/>", 14);
            free(l->v[i]);
            l->v[i] = v;
            i++;
            continue;
        }
        if (indent(l->v[i]) == 4 && strncmp(t, "<console type='pty'", 19) == 0)
            drop_attr(l, i, " tty='");
        if (indent(l->v[i]) == 6 && strncmp(t, "<source path='/dev/pts/", 23) == 0 &&
            (strncmp(kind, "<serial type='pty'", 18) == 0 ||
             strncmp(kind, "<console type='pty'", 19) == 0)) {
            drop(l, i);
            continue;
        }
        if (indent(l->v[i]) == 6 && strncmp(kind, "<interface ", 11) == 0 &&
            strncmp(t, "<target dev='vnet", 17) == 0 &&
            strspn(t + 17, "0123456789") > 0 && t[17 + strspn(t + 17, "0123456789")] == '\'') {
            drop(l, i);
            continue;
        }
        i++;
    }
    return 0;
}

/* <domain type='qemu' id='N'>: the id goes. */
static void drop_id(struct lines *l)
{
    if (!l->n || strncmp(l->v[0], "<domain ", 8) != 0)
        return;
    char *id = strstr(l->v[0], " id='");
    if (!id)
        return;
    char *q = strchr(id + 5, '\'');
    if (q)
        memmove(id, q + 1, strlen(q + 1) + 1);
}

static char *join(const struct lines *l)
{
    size_t len = 1;
    for (size_t i = 0; i < l->n; i++)
        len += strlen(l->v[i]) + 1;
    char *s = malloc(len), *p = s;
    if (!s)
        return NULL;
    for (size_t i = 0; i < l->n; i++) {
        size_t n = strlen(l->v[i]);
        memcpy(p, l->v[i], n);
        p[n] = '\n';
        p += n + 1;
    }
    *p = '\0';
    return s;
}

char *qemu_xml_migratable(const char *xml, const char *defined)
{
    struct lines l = {0}, d = {0};
    char *out = NULL;

    if (lines_split(xml, &l) < 0 || (defined && lines_split(defined, &d) < 0))
        goto out;
    for (size_t i = 0; i < l.n;) {
        const char *t = trimmed(l.v[i]);
        if (strncmp(t, "<alias ", 7) == 0) {
            drop(&l, i);
        } else if (strncmp(t, "<seclabel", 9) == 0) {
            for (size_t e = element_end(&l, i); e > i; e--)
                drop(&l, i);
        } else {
            i++;
        }
    }
    if (collapse(&l) < 0)
        goto out;
    for (size_t i = 0; i < l.n;) {
        bool gone = is_default_usb(&l, i);
        for (size_t k = 0; !gone && k < sizeof(implicit) / sizeof(implicit[0]); k++)
            gone = strcmp(trimmed(l.v[i]), implicit[k]) == 0;
        if (!gone) {
            i++;
            continue;
        }
        for (size_t e = element_end(&l, i); e > i; e--)
            drop(&l, i);
    }
    drop_id(&l);
    if (run_facts(&l) < 0)
        goto out;
    if (defined) {
        original_cpu(&l, &d);
        if (defined_graphics(&l, &d) < 0)
            goto out;
    }
    if (collapse(&l) < 0)
        goto out;
    out = join(&l);
out:
    if (!out)
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
    lines_free(&l);
    lines_free(&d);
    return out;
}
