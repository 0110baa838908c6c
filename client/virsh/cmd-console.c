/* cmd-console: virsh console, a domain's serial console on this terminal.
 * The terminal goes raw; what is typed goes to the domain's console stream
 * (non-blocking, from the event loop's thread) and what the stream brings
 * is written out, until the escape character (Ctrl+] unless -e says
 * otherwise) is typed or the stream ends. Messages and order are real
 * virsh 9.0's. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vsh.h"

/* Shared by the command and the event loop's callbacks: freed by the last
 * of the three to let go (the command, the stdin handle, the stream's
 * callback), as the loop may still be in a callback when the command
 * returns. */
struct console {
    int refs; /* atomic */
    virStreamPtr st;
    char esc;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool quit;
    bool failed;
    int stdin_watch;
};

static void console_unref(void *opaque)
{
    struct console *c = opaque;

    if (__atomic_sub_fetch(&c->refs, 1, __ATOMIC_SEQ_CST) == 0) {
        pthread_mutex_destroy(&c->lock);
        pthread_cond_destroy(&c->cond);
        free(c);
    }
}

static void console_quit(struct console *c, bool failed)
{
    pthread_mutex_lock(&c->lock);
    c->quit = true;
    c->failed = c->failed || failed;
    pthread_cond_signal(&c->cond);
    pthread_mutex_unlock(&c->lock);
}

static void on_stdin(int watch, int fd, int events, void *opaque)
{
    struct console *c = opaque;
    char buf[1024];
    ssize_t n;

    (void)watch;
    if (events & (VIR_EVENT_HANDLE_ERROR | VIR_EVENT_HANDLE_HANGUP) &&
        !(events & VIR_EVENT_HANDLE_READABLE)) {
        console_quit(c, false);
        return;
    }
    n = read(fd, buf, sizeof(buf));
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        console_quit(c, false);
        return;
    }
    char *esc = memchr(buf, c->esc, (size_t)n);
    size_t len = esc ? (size_t)(esc - buf) : (size_t)n;
    if (len && virStreamSend(c->st, buf, len) < 0) {
        console_quit(c, true);
        return;
    }
    if (esc)
        console_quit(c, false);
}

static void on_stream(virStreamPtr st, int events, void *opaque)
{
    struct console *c = opaque;
    char buf[4096];

    if (events & VIR_STREAM_EVENT_READABLE) {
        for (;;) {
            int n = virStreamRecv(st, buf, sizeof(buf));
            if (n == -2)
                break;
            if (n <= 0) {
                console_quit(c, n < 0);
                return;
            }
            if (vsh_write_all(STDOUT_FILENO, buf, (size_t)n) < 0) {
                console_quit(c, false);
                return;
            }
        }
    }
    if (events & (VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP))
        console_quit(c, (events & VIR_STREAM_EVENT_ERROR) != 0);
}

/* The session itself; false with the error left for the caller to show. */
static bool run_console(struct vsh_ctl *ctl, virDomainPtr dom, const char *dev_name,
                        unsigned int flags)
{
    struct console *c = calloc(1, sizeof(*c));
    struct termios saved, raw;
    bool have_tty = tcgetattr(STDIN_FILENO, &saved) == 0;
    virStreamPtr st = NULL;
    int watch = -1;
    bool ok = false;

    if (!c)
        return false;
    c->refs = 1;
    c->esc = ctl->escape_char;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    if (have_tty) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
    }
    if (!(st = c->st = virStreamNew(ctl->conn, VIR_STREAM_NONBLOCK)))
        goto out;
    if (virDomainOpenConsole(dom, dev_name, st, flags) < 0)
        goto out;
    __atomic_add_fetch(&c->refs, 2, __ATOMIC_SEQ_CST);
    watch = virEventAddHandle(STDIN_FILENO, VIR_EVENT_HANDLE_READABLE, on_stdin, c,
                              console_unref);
    if (watch < 0)
        console_unref(c);
    if (virStreamEventAddCallback(st, VIR_STREAM_EVENT_READABLE, on_stream, c,
                                  console_unref) < 0) {
        console_unref(c);
        goto out;
    }
    if (watch < 0)
        goto out;
    pthread_mutex_lock(&c->lock);
    while (!c->quit)
        pthread_cond_wait(&c->cond, &c->lock);
    ok = !c->failed;
    pthread_mutex_unlock(&c->lock);
    virEventRemoveHandle(watch);
    watch = -1;
    virStreamEventRemoveCallback(st);
    if (ok)
        virStreamFinish(st);
    else
        virStreamAbort(st);
out:
    if (watch >= 0)
        virEventRemoveHandle(watch);
    if (have_tty)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    if (st)
        virStreamFree(st);
    console_unref(c);
    return ok;
}

static const struct vsh_opt_def opts_console[] = {
    {"domain", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"devname", VSH_OT_STRING, 0},
    {"force", VSH_OT_BOOL, 0},
    {"safe", VSH_OT_BOOL, 0},
    {NULL, 0, 0},
};

static bool cmd_console(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    unsigned int flags = (vsh_opt_bool(cmd, "force") ? VIR_DOMAIN_CONSOLE_FORCE : 0) |
                         (vsh_opt_bool(cmd, "safe") ? VIR_DOMAIN_CONSOLE_SAFE : 0);
    int state = 0, reason = 0;
    bool ok = false;

    if (!dom)
        return false;
    if (virDomainGetState(dom, &state, &reason, 0) < 0) {
        vsh_error(ctl, "%s", "Unable to get domain status");
    } else if (state != VIR_DOMAIN_RUNNING && state != VIR_DOMAIN_PAUSED) {
        /* A paused domain has a console too, as with real virsh. */
        vsh_error(ctl, "%s", "The domain is not running");
    } else if (!isatty(STDIN_FILENO)) {
        vsh_error(ctl, "%s", "Cannot run interactive console without a controlling TTY");
    } else {
        char shown[3] = {ctl->escape_char, 0, 0};
        if ((unsigned char)ctl->escape_char < 0x20) {
            shown[0] = '^';
            shown[1] = (char)(ctl->escape_char + '@');
        }
        vsh_print_extra(ctl, "Connected to domain '%s'\n", virDomainGetName(dom));
        vsh_print_extra(ctl, "Escape character is %s", shown);
        if (shown[0] == '^')
            vsh_print_extra(ctl, " (Ctrl + %c)", shown[1]);
        vsh_print_extra(ctl, "\n");
        fflush(stdout);
        ok = run_console(ctl, dom, vsh_opt_string(cmd, "devname"), flags);
    }
    virDomainFree(dom);
    return ok;
}

const struct vsh_cmd_def vsh_console_cmds[] = {
    {"console", cmd_console, opts_console, "connect to the guest console", false},
    {NULL, NULL, NULL, NULL, false},
};
