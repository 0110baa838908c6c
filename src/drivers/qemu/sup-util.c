/* sup-util: see sup-util.h. */
#include "sup-util.h"

#include <stdio.h>
#include <string.h>

#include "error.h"

static const char *const state_names[] = {"nostate", "running", "blocked", "paused",
                                          "shutdown", "shutoff", "crashed", "pmsuspended"};
static const char *const running_reasons[] = {
    "unknown", "booted", "migrated", "restored", "from snapshot", "unpaused",
    "migration canceled", "save canceled", "wakeup", "crashed", "post-copy"};
static const char *const paused_reasons[] = {
    "unknown", "user", "migration", "save", "dump", "ioerror", "watchdog",
    "from snapshot", "shutdown", "snapshot", "panicked", "starting up", "post-copy"};
static const char *const shutoff_reasons[] = {"unknown", "shutdown", "destroyed",
                                              "crashed", "migrated", "saved",
                                              "failed", "from snapshot", "daemon"};
#define N(a) (int)(sizeof(a) / sizeof(a[0]))

const char *sup_state_name(int state)
{
    return state >= 0 && state < N(state_names) ? state_names[state] : "nostate";
}

int sup_state_from_name(const char *name)
{
    for (int i = 0; name && i < N(state_names); i++)
        if (strcmp(state_names[i], name) == 0)
            return i;
    return 0;
}

static const char *const *reasons_of(int state, int *n)
{
    switch (state) {
    case 1:
        *n = N(running_reasons);
        return running_reasons;
    case 3:
        *n = N(paused_reasons);
        return paused_reasons;
    case 5:
        *n = N(shutoff_reasons);
        return shutoff_reasons;
    default:
        *n = 0;
        return NULL;
    }
}

const char *sup_reason_name(int state, int reason)
{
    int n;
    const char *const *r = reasons_of(state, &n);
    return r && reason >= 0 && reason < n ? r[reason] : "unknown";
}

int sup_reason_from_name(int state, const char *name)
{
    int n;
    const char *const *r = reasons_of(state, &n);
    for (int i = 0; r && name && i < n; i++)
        if (strcmp(r[i], name) == 0)
            return i;
    return 0;
}

void sup_error_encode(char *buf, size_t size)
{
    const struct error *e = error_last();
    const char *msg = e && e->message ? e->message : "unknown error";

    snprintf(buf, size, "error %d %d ", e ? e->code : ERR_INTERNAL_ERROR,
             e ? e->domain : FROM_QEMU);
    size_t at = strlen(buf);
    /* One line: a newline in a message (QEMU's log lines) becomes a space
     * here and is put back by nobody; libvirt joins them the same way. */
    for (const char *p = msg; *p && at + 1 < size; p++)
        buf[at++] = *p == '\n' ? ' ' : *p;
    buf[at] = '\0';
}

void sup_error_decode(const char *line)
{
    int code = ERR_INTERNAL_ERROR, domain = FROM_QEMU, used = 0;

    if (sscanf(line, "error %d %d %n", &code, &domain, &used) >= 2 && used > 0)
        error_set_message(code, domain, line + used);
    else
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "unexpected reply from supervisor: %s",
                     line);
}

int sup_journal_open(const char *dir, struct state_journal **journal)
{
    char path[4096];

    if ((size_t)snprintf(path, sizeof(path), "%s/" SUP_JOURNAL_NAME, dir) >= sizeof(path)) {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "path too long: %s", dir);
        return -1;
    }
    return state_journal_open(path, SUP_JOURNAL_ROTATE_BYTES, journal);
}
