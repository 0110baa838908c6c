/* INTERIM: qdrv_env until the capability probe (branch qemu-caps) is
 * merged; that branch provides qdrv_env in driver.c from its probe, and
 * this whole file is then dropped (and its line in meson.build).
 *
 * The host facts the QEMU driver's rules ask for (struct dx_env),
 * derived from the installed emulators as tests/qemu/env.h gives them:
 * the host's architecture, /usr/bin/qemu-system-ARCH as the emulator of
 * an architecture, and each emulator's machines from its own
 * `EMULATOR -machine help`: the one marked "(default)" for a domain that
 * names none, and "(alias of ...)" for the canonical name (pc ->
 * pc-i440fx-7.2). An emulator is asked once per connection (a connection
 * is a process of its own; what was learned stays in that process). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "conf/domain_xml.h"
#include "error.h"
#include "qdrv.h"

#define HELP_MAX (256u << 10) /* what `-machine help` may print */
#define HELP_WAIT_MS 10000
#define MAX_EMULATORS 8

struct machines {
    char *emulator;
    char **alias, **target; /* alias[i] is target[i] */
    size_t n;
    char *deflt; /* the "(default)" machine, or NULL */
};

static struct {
    struct machines e[MAX_EMULATORS];
    size_t n;
} probed;

/* What `emulator -machine help` prints, malloc'd, or NULL. */
static char *machine_help(const char *emulator)
{
    int p[2];
    struct stat st;

    if (emulator[0] != '/' || stat(emulator, &st) < 0 || !S_ISREG(st.st_mode) ||
        access(emulator, X_OK) < 0 || pipe2(p, O_CLOEXEC) < 0)
        return NULL;
    pid_t pid = fork();
    if (pid == 0) {
        /* The connection's lowered soft limits are not QEMU's. */
        static const int which[] = {RLIMIT_AS, RLIMIT_NPROC, RLIMIT_DATA};
        for (size_t i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
            struct rlimit rl;
            if (getrlimit(which[i], &rl) == 0) {
                rl.rlim_cur = rl.rlim_max;
                setrlimit(which[i], &rl);
            }
        }
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(p[1], 1);
        dup2(null, 2);
        char *const argv[] = {(char *)emulator, "-machine", "help", NULL};
        char *const envp[] = {"LC_ALL=C", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                              NULL};
        execve(emulator, argv, envp);
        _exit(127);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return NULL;
    }
    char *out = malloc(HELP_MAX + 1);
    size_t len = 0;
    long long deadline = clock_mono_ms() + HELP_WAIT_MS;
    while (out && len < HELP_MAX) {
        struct pollfd pf = {.fd = p[0], .events = POLLIN};
        long long left = deadline - clock_mono_ms();
        if (left <= 0 || poll(&pf, 1, (int)left) <= 0)
            break;
        ssize_t n = read(p[0], out + len, HELP_MAX - len);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(p[0]);
    kill(pid, SIGKILL); /* it is done by now, or it took too long */
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!out)
        return NULL;
    out[len] = '\0';
    return out;
}

/* Lines "NAME   DESCRIPTION (alias of TARGET)" and "NAME   DESCRIPTION (default)". */
static void parse_help(struct machines *m, char *text)
{
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        size_t l = strlen(line), nl = strcspn(line, " \t");
        if (nl == 0 || nl == l)
            continue;
        static const char alias_of[] = "(alias of ";
        char *a = strstr(line, alias_of);
        if (a && line[l - 1] == ')') {
            char **na = realloc(m->alias, (m->n + 1) * sizeof(char *));
            char **nt = na ? realloc(m->target, (m->n + 1) * sizeof(char *)) : NULL;
            if (na)
                m->alias = na;
            if (!nt)
                return;
            m->target = nt;
            char *t = a + sizeof(alias_of) - 1;
            m->alias[m->n] = strndup(line, nl);
            m->target[m->n] = strndup(t, (size_t)(line + l - 1 - t));
            if (!m->alias[m->n] || !m->target[m->n]) {
                free(m->alias[m->n]);
                free(m->target[m->n]);
                return;
            }
            m->n++;
        } else if (l > 10 && strcmp(line + l - 10, " (default)") == 0 && !m->deflt) {
            m->deflt = strndup(line, nl);
        }
    }
}

/* The machines of an emulator, asked the first time. NULL when it cannot
 * be asked (no such program: its machines are the XML's). */
static const struct machines *machines_of(const char *emulator)
{
    for (size_t i = 0; i < probed.n; i++)
        if (strcmp(probed.e[i].emulator, emulator) == 0)
            return &probed.e[i];
    char *help = machine_help(emulator);
    if (!help)
        return NULL;
    struct machines m = {.emulator = strdup(emulator)};
    if (m.emulator)
        parse_help(&m, help);
    free(help);
    if (!m.emulator)
        return NULL;
    if (probed.n == MAX_EMULATORS) {
        /* Forget the oldest. */
        struct machines *o = &probed.e[0];
        for (size_t i = 0; i < o->n; i++) {
            free(o->alias[i]);
            free(o->target[i]);
        }
        free(o->alias);
        free(o->target);
        free(o->deflt);
        free(o->emulator);
        memmove(probed.e, probed.e + 1, (MAX_EMULATORS - 1) * sizeof(*o));
        probed.n--;
    }
    probed.e[probed.n] = m;
    return &probed.e[probed.n++];
}

static char *dup_or_oom(const char *s)
{
    char *d = strdup(s);
    if (!d)
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
    return d;
}

static char *env_arch(void *opaque, const char *virt_type)
{
    struct utsname u;

    (void)opaque;
    (void)virt_type;
    if (uname(&u) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot get the host's architecture: %s",
                     strerror(errno));
        return NULL;
    }
    /* libvirt's names for what uname says */
    const char *m = u.machine;
    if (strcmp(m, "i386") == 0 || strcmp(m, "i486") == 0 || strcmp(m, "i586") == 0)
        m = "i686";
    else if (strcmp(m, "arm64") == 0)
        m = "aarch64";
    return dup_or_oom(m);
}

static char *env_emulator(void *opaque, const char *virt_type, const char *arch)
{
    char path[256];

    (void)opaque;
    (void)virt_type;
    const char *qarch = strcmp(arch, "i686") == 0 ? "i386" : arch;
    if (strlen(qarch) < 64 && !strchr(qarch, '/')) {
        snprintf(path, sizeof(path), "/usr/bin/qemu-system-%s", qarch);
        if (access(path, X_OK) == 0)
            return dup_or_oom(path);
    }
    error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU, "No emulator found for arch '%s'", arch);
    return NULL;
}

static char *env_canonical(void *opaque, const char *emulator, const char *virt_type,
                           const char *arch, const char *machine)
{
    const struct machines *m = machines_of(emulator);

    (void)opaque;
    (void)virt_type;
    (void)arch;
    for (size_t i = 0; m && i < m->n; i++)
        if (strcmp(m->alias[i], machine) == 0)
            return dup_or_oom(m->target[i]);
    return dup_or_oom(machine);
}

static char *env_machine(void *opaque, const char *emulator, const char *virt_type,
                         const char *arch)
{
    const struct machines *m = machines_of(emulator);

    if (m && m->deflt)
        return dup_or_oom(m->deflt);
    return env_canonical(opaque, emulator, virt_type, arch, "pc");
}

static const struct dx_env interim_env = {
    .driver = DX_DRIVER_QEMU,
    .default_arch = env_arch,
    .default_emulator = env_emulator,
    .default_machine = env_machine,
    .canonical_machine = env_canonical,
};

const struct dx_env *qdrv_env(struct qdrv *q)
{
    (void)q;
    return &interim_env;
}
