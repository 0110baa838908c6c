/* src/state/file: whole files replaced atomically. Besides the plain
 * cases (modes, limits, refusals, messages), writers are SIGKILLed at
 * random moments, again and again, while another process reads the file
 * all along: every read must be a whole version, versions never go back,
 * and the temporary files of the killed writers must not pile up. */
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "error.h"
#include "state/file.h"

#include "check.h"
#include "state-helpers.h"

#define VERSION_MAX_SIZE (300 * 1024)
#define READ_MAX (512 * 1024)

static char path_buf[256];

static const char *in_dir(const char *name)
{
    snprintf(path_buf, sizeof(path_buf), "%s/%s", test_dir, name);
    return path_buf;
}

static bool error_is(int code, const char *message)
{
    const struct error *e = error_last();

    if (!e || e->code != code || e->domain != FROM_NONE || !e->message ||
        strcmp(e->message, message) != 0) {
        fprintf(stderr, "  expected error %d/%d '%s', got %d/%d '%s'\n", code, FROM_NONE,
                message, e ? e->code : 0, e ? e->domain : 0,
                e && e->message ? e->message : "(none)");
        return false;
    }
    return true;
}

/* Version v of the test file: "v=V n=N\n" and a pattern that depends on
 * v, N bytes in all (sizes up to 300 KiB, so that a write takes many
 * pages and a kill can land in the middle of it). */
static size_t version_make(unsigned v, char *buf)
{
    size_t n = 64 + (size_t)v * 7919u % (VERSION_MAX_SIZE - 64);
    int h = snprintf(buf, 64, "v=%u n=%zu\n", v, n);

    for (size_t i = (size_t)h; i < n; i++)
        buf[i] = (char)('a' + (v + i) % 26);
    return n;
}

/* The version data is, or -1 when it is not one whole version. */
static long version_of(const char *data, size_t len)
{
    const char *nl = memchr(data, '\n', len < 64 ? len : 64);
    unsigned v;
    size_t n;

    if (!nl || sscanf(data, "v=%u n=%zu", &v, &n) != 2 || n != len)
        return -1;
    for (size_t i = (size_t)(nl - data) + 1; i < len; i++)
        if (data[i] != (char)('a' + (v + i) % 26))
            return -1;
    return v;
}

/* The temporary files in the test directory. */
static int count_temps(void)
{
    DIR *d = opendir(test_dir);
    struct dirent *de;
    int n = 0;

    if (!d)
        return -1;
    while ((de = readdir(d)))
        if (de->d_name[0] == '.' && strstr(de->d_name, ".tmp-"))
            n++;
    closedir(d);
    return n;
}

static void write_read_mode(void)
{
    const char *p = in_dir("plain.xml");
    char *data;
    size_t len;
    struct stat st;
    mode_t old = umask(022);

    if (state_file_write(p, "<domain/>\n", 10, 0666) != 0)
        FAIL("write: %s", error_last_message());
    umask(old);
    if (stat(p, &st) != 0 || (st.st_mode & 07777) != 0666)
        FAIL("mode %o, expected exactly 0666 whatever the umask", st.st_mode & 07777);
    if (state_file_read(p, 100, &data, &len) != 0) {
        FAIL("read: %s", error_last_message());
        return;
    }
    if (len != 10 || strcmp(data, "<domain/>\n") != 0)
        FAIL("read back %zu bytes '%s'", len, data);
    free(data);
    if (state_file_write(p, "", 0, 0600) != 0 || state_file_read(p, 0, &data, &len) != 0 ||
        len != 0 || data[0] != '\0')
        FAIL("an empty file does not read back as empty");
    else
        free(data);
    if (count_temps() != 0)
        FAIL("%d temporary files left after plain writes", count_temps());
    /* The runtime variant: the same replacement, mode and content. */
    if (state_file_write_runtime(p, "<domstatus/>\n", 13, 0640) != 0)
        FAIL("runtime write: %s", error_last_message());
    else if (stat(p, &st) != 0 || (st.st_mode & 07777) != 0640)
        FAIL("runtime write: mode %o, expected 0640", st.st_mode & 07777);
    else if (state_file_read(p, 100, &data, &len) != 0 || len != 13 ||
             strcmp(data, "<domstatus/>\n") != 0)
        FAIL("runtime write: not read back");
    else
        free(data);
    if (count_temps() != 0)
        FAIL("%d temporary files left after a runtime write", count_temps());
}

static void read_limit(void)
{
    const char *p = in_dir("big");
    char buf[100], *data = NULL, msg[512];
    size_t len;

    memset(buf, 'x', sizeof(buf));
    if (state_file_write(p, buf, sizeof(buf), 0600) != 0) {
        FAIL("write: %s", error_last_message());
        return;
    }
    if (state_file_read(p, 99, &data, &len) != -1 || errno != EFBIG || data) {
        FAIL("a 100-byte file read with max 99 was not refused with EFBIG");
    } else {
        snprintf(msg, sizeof(msg), "Failed to read file '%s': larger than 99 bytes", p);
        if (!error_is(ERR_SYSTEM_ERROR, msg))
            FAIL("wrong error for a file over the limit");
    }
    if (state_file_read(p, 100, &data, &len) != 0 || len != 100)
        FAIL("a 100-byte file read with max 100 failed");
    else
        free(data);
}

static void read_refusals(void)
{
    char *data, msg[512], target[256];
    size_t len;
    const char *p;

    p = in_dir("missing");
    if (state_file_read(p, 10, &data, &len) != -1 || errno != ENOENT) {
        FAIL("a missing file did not fail with ENOENT");
    } else {
        snprintf(msg, sizeof(msg), "Failed to open file '%s': No such file or directory", p);
        if (!error_is(ERR_SYSTEM_ERROR, msg))
            FAIL("wrong error for a missing file");
    }

    /* A FIFO would block a reader that opened it: refused, at once. */
    p = in_dir("fifo");
    if (mkfifo(p, 0600) != 0) {
        FAIL("mkfifo: %s", strerror(errno));
    } else {
        long long t0 = clock_mono_ms();
        alarm(5);
        if (state_file_read(p, 10, &data, &len) != -1)
            FAIL("a FIFO was read");
        alarm(0);
        if (clock_mono_ms() - t0 > 1000)
            FAIL("refusing a FIFO took %lld ms", clock_mono_ms() - t0);
        snprintf(msg, sizeof(msg), "Failed to open file '%s': not a regular file", p);
        if (!error_is(ERR_SYSTEM_ERROR, msg))
            FAIL("wrong error for a FIFO");
    }

    snprintf(target, sizeof(target), "%s", in_dir("plain.xml"));
    p = in_dir("link");
    if (symlink(target, p) != 0)
        FAIL("symlink: %s", strerror(errno));
    else if (state_file_read(p, 100, &data, &len) != -1)
        FAIL("a symbolic link was followed");
}

static void write_errors(void)
{
    char msg[512];
    const char *p = in_dir("no/such/dir/f");

    if (state_file_write(p, "x", 1, 0600) != -1) {
        FAIL("a write into a missing directory succeeded");
        return;
    }
    snprintf(msg, sizeof(msg), "Failed to write file '%s': No such file or directory", p);
    if (!error_is(ERR_SYSTEM_ERROR, msg))
        FAIL("wrong error for a missing directory");
}

static void remove_file(void)
{
    const char *p = in_dir("gone");
    struct stat st;

    if (state_file_write(p, "x", 1, 0600) != 0 || state_file_remove(p) != 0)
        FAIL("write and remove: %s", error_last_message());
    if (lstat(p, &st) == 0)
        FAIL("the file is still there after remove");
    if (state_file_remove(p) != 0)
        FAIL("removing a missing file is not a success");
}

static void mkdirs(void)
{
    char p[256];
    struct stat st;
    mode_t old = umask(077);

    snprintf(p, sizeof(p), "%s/a/b/c/", test_dir);
    if (state_file_mkdirs(p, 0750) != 0)
        FAIL("mkdirs: %s", error_last_message());
    umask(old);
    for (int depth = 0; depth < 3; depth++) {
        snprintf(p, sizeof(p), "%s/%.*s", test_dir, 1 + 2 * depth, "a/b/c");
        if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode) || (st.st_mode & 07777) != 0750)
            FAIL("%s: not a directory with mode 0750", p);
    }
    if (state_file_mkdirs(p, 0700) != 0)
        FAIL("mkdirs of an existing directory: %s", error_last_message());
    snprintf(p, sizeof(p), "%s/plain.xml/sub", test_dir);
    if (state_file_mkdirs(p, 0700) != -1 || errno != ENOTDIR)
        FAIL("mkdirs through a regular file did not fail with ENOTDIR");
}

/* A leftover whose writer is gone is removed by the next write in its
 * directory; one whose writer lives (it holds the OFD lock) is not. */
static void leftovers(void)
{
    char dead[256], live[256];
    int pipefd[2], fd;
    pid_t holder;
    char c;

    snprintf(dead, sizeof(dead), "%s/.x.xml.tmp-99999-0", test_dir);
    snprintf(live, sizeof(live), "%s/.y.xml.tmp-1-7", test_dir);
    fd = open(dead, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || write(fd, "half", 4) != 4)
        FAIL("making a leftover: %s", strerror(errno));
    close(fd);
    if (pipe(pipefd) != 0)
        exit(2);
    holder = child_fork();
    if (holder == 0) {
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        int t = open(live, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (t < 0 || fcntl(t, F_OFD_SETLK, &fl) != 0)
            _exit(1);
        if (write(pipefd[1], "L", 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    if (read(pipefd[0], &c, 1) != 1) {
        FAIL("the holder of a temporary file did not start");
        child_kill(holder);
        return;
    }
    if (state_file_write(in_dir("z.xml"), "z", 1, 0600) != 0)
        FAIL("write: %s", error_last_message());
    if (access(dead, F_OK) == 0)
        FAIL("a dead writer's temporary file was not removed");
    if (access(live, F_OK) != 0)
        FAIL("a live writer's temporary file was removed");
    child_kill(holder);
    if (state_file_write(in_dir("z.xml"), "zz", 2, 0600) != 0)
        FAIL("write: %s", error_last_message());
    if (access(live, F_OK) == 0)
        FAIL("the temporary file of a writer killed since was not removed");
    close(pipefd[0]);
    close(pipefd[1]);
}

/* Writes versions after whatever the file holds, until killed. */
/* What the killed writers write with: state_file_write, then
 * state_file_write_runtime, which must be as atomic without its fsyncs. */
static int (*writer_fn)(const char *, const void *, size_t, mode_t) = state_file_write;
static const char *writer_name = "state_file_write";

static _Noreturn void writer_run(const char *p, char *buf)
{
    char *data;
    size_t len;
    long v = 0;

    if (state_file_read(p, READ_MAX, &data, &len) == 0) {
        v = version_of(data, len);
        free(data);
    }
    if (v < 0)
        _exit(1);
    for (unsigned next = (unsigned)v + 1;; next++)
        if (writer_fn(p, buf, version_make(next, buf), 0644) != 0)
            _exit(1);
}

/* Reads the file until the deadline: every read a whole version, never
 * an older one than the last. Exit status: 0, 1 torn, 2 went back, 3 no
 * read at all, 4 a read failed. */
static _Noreturn void checker_run(const char *p, long long deadline, int report)
{
    long last = 0, reads = 0;

    while (clock_mono_ms() < deadline) {
        char *data;
        size_t len;
        long v;

        if (state_file_read(p, READ_MAX, &data, &len) != 0) {
            dprintf(report, "read failed: %s\n", error_last_message());
            _exit(4);
        }
        v = version_of(data, len);
        free(data);
        if (v < 0) {
            dprintf(report, "a read of %zu bytes is not a whole version\n", len);
            _exit(1);
        }
        if (v < last) {
            dprintf(report, "version %ld after %ld\n", v, last);
            _exit(2);
        }
        last = v;
        reads++;
    }
    dprintf(report, "%ld reads, last version %ld\n", reads, last);
    _exit(reads ? 0 : 3);
}

static void killed_writers(void)
{
    const char *p = in_dir("vm.xml");
    char *buf = malloc(VERSION_MAX_SIZE), report[256] = "";
    long long deadline = clock_mono_ms() + 1500;
    int kills = 0, most_temps = 0, pipefd[2], status;
    pid_t checker;
    ssize_t n;
    char *data;
    size_t len;
    long v;

    if (!buf || pipe(pipefd) != 0)
        exit(2);
    if (state_file_write(p, buf, version_make(0, buf), 0644) != 0) {
        FAIL("first write: %s", error_last_message());
        return;
    }
    checker = child_fork();
    if (checker == 0)
        checker_run(p, deadline, pipefd[1]);
    close(pipefd[1]);
    while (clock_mono_ms() < deadline) {
        pid_t writer = child_fork();
        int temps;

        if (writer == 0)
            writer_run(p, buf);
        usleep((useconds_t)rand_below(20000));
        child_kill(writer);
        kills++;
        if (state_file_read(p, READ_MAX, &data, &len) != 0) {
            FAIL("read after a kill: %s", error_last_message());
            break;
        }
        v = version_of(data, len);
        free(data);
        if (v < 0) {
            FAIL("after kill %d the file (%zu bytes) is not a whole version", kills, len);
            break;
        }
        temps = count_temps();
        if (temps > most_temps)
            most_temps = temps;
        /* At most the one of the writer just killed, and one of a writer
         * killed before it had cleaned up, and so on: a few, not one per
         * kill. */
        if (temps > 3) {
            FAIL("%d temporary files after %d kills", temps, kills);
            break;
        }
    }
    status = child_wait(checker);
    n = read(pipefd[0], report, sizeof(report) - 1);
    report[n > 0 ? n : 0] = '\0';
    close(pipefd[0]);
    if (status != 0)
        FAIL("the reading process: status %d: %s", status, report);
    if (state_file_read(p, READ_MAX, &data, &len) != 0) {
        FAIL("read: %s", error_last_message());
        free(buf);
        return;
    }
    v = version_of(data, len);
    free(data);
    /* The test means something only if writers got somewhere before
     * being killed, and were killed often. */
    if (v < 5 || kills < 20)
        FAIL("only %d kills and %ld versions written: the test proved nothing", kills, v);
    if (state_file_write(p, buf, version_make((unsigned)v + 1, buf), 0644) != 0)
        FAIL("write: %s", error_last_message());
    if (count_temps() != 0)
        FAIL("%d temporary files left after a clean write", count_temps());
    printf("killed writers (%s): %d kills, %ld versions, at most %d temporary files; "
           "reader: %s",
           writer_name, kills, v, most_temps, report);
    free(buf);
}

int main(void)
{
    rand_seed("state-file");
    test_dir_make();
    write_read_mode();
    read_limit();
    read_refusals();
    write_errors();
    remove_file();
    mkdirs();
    leftovers();
    killed_writers();
    writer_fn = state_file_write_runtime;
    writer_name = "state_file_write_runtime";
    killed_writers();
    if (failures)
        return 1;
    printf("state-file: all passed\n");
    return 0;
}
