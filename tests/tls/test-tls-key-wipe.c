/* test-tls-key-wipe PKIDIR: rpc/tls wipes the private key's PEM text once
 * the key is loaded. Two checks, while the server credentials of PKIDIR
 * (make-pki.sh's output) load:
 *  - a hook on free (glibc's free interposed, or AddressSanitizer's free
 *    hook) looks into every buffer freed: none may hold the key file's
 *    text (two lines of its PEM block);
 *  - afterwards no writable mapping without a file (the heap, malloc's
 *    mmaps) holds one either, read through /proc/self/mem.
 * As a control, the certificate's PEM text, which is not secret, is seen
 * freed unwiped by the same hook. The test knows the lines only XOR-ed
 * with a mask, so that its own copy is not what it finds. Exit status 0
 * when every check passed. */
#include <fcntl.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "tls.h"

#define MASK 0x5a
#define REGION_MAX (1ULL << 30) /* larger ones are sanitizer shadow, not heap */

static unsigned char needle[160]; /* two lines, each byte XOR MASK */
static size_t needle_len;
static unsigned char scratch[1 << 20];

/* Takes the last two lines of the PEM block of `path`, with the newline
 * between them, as the needle: the text as the file has it, from its end,
 * which is what a stdio buffer holds last. (gnutls's PEM decoder,
 * x509_b64.c in 3.7, copies the base64 text without its newlines into a
 * buffer of its own, which it frees unwiped; that copy is gnutls's to
 * wipe, and the needle does not match it.) */
static int pick_needle(const char *path)
{
    static char text[65536];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
    char *end, *nl1 = NULL, *nl2 = NULL; /* the newlines before the last two lines */

    if (fd >= 0)
        close(fd);
    needle_len = 0;
    if (n <= 0)
        return -1;
    text[n] = '\0';
    if ((end = strstr(text, "\n-----END")) && (nl1 = memrchr(text, '\n', (size_t)(end - text))))
        nl2 = memrchr(text, '\n', (size_t)(nl1 - text));
    if (nl2 && (size_t)(end - nl2 - 1) <= sizeof(needle) &&
        strncmp(nl2 + 1, "-----BEGIN", 10) != 0) {
        needle_len = (size_t)(end - nl2 - 1);
        for (size_t i = 0; i < needle_len; i++)
            needle[i] = (unsigned char)nl2[1 + i] ^ MASK;
    }
    explicit_bzero(text, sizeof(text));
    return needle_len >= 32 ? 0 : -1;
}

/* Where in [buf, buf + len) the needle is, or NULL. */
static const unsigned char *find(const unsigned char *buf, size_t len)
{
    for (size_t i = 0; i + needle_len <= len; i++) {
        size_t j = 0;
        while (j < needle_len && (buf[i + j] ^ MASK) == needle[j])
            j++;
        if (j == needle_len)
            return buf + i;
    }
    return NULL;
}

static volatile int watching;
static uintptr_t freed_at; /* a freed buffer that held the needle */
static size_t freed_size;

static void check_freed(const void *p, size_t n)
{
    if (watching && !freed_at && find(p, n)) {
        freed_at = (uintptr_t)p;
        freed_size = n;
    }
}

#ifdef __SANITIZE_ADDRESS__
/* AddressSanitizer's allocator calls these before it frees. */
size_t __sanitizer_get_allocated_size(const volatile void *p);
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *,
                                                                  size_t),
                                              void (*free_hook)(const volatile void *));

static void on_malloc(const volatile void *p, size_t n)
{
    (void)p;
    (void)n;
}

static void on_free(const volatile void *p)
{
    if (p)
        check_freed((const void *)p, __sanitizer_get_allocated_size(p));
}

static int install_free_hook(void)
{
    return __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free) ? 0 : -1;
}
#else
/* The executable's free takes the place of glibc's for every library
 * (gnutls's gnutls_free is free); glibc's own is __libc_free. */
void __libc_free(void *p);
void free(void *p)
{
    if (p && watching)
        check_freed(p, malloc_usable_size(p));
    __libc_free(p);
}

static int install_free_hook(void)
{
    return 0;
}
#endif

/* Loads the server credentials of `pki` with the hook watching for the
 * needle. Returns the context, or exits. */
static struct tls_context *load(const char *pki)
{
    struct tls_options opt = {.pkipath = pki};
    struct tls_context *ctx;

    freed_at = 0;
    watching = 1;
    ctx = tls_context_new(true, &opt);
    watching = 0;
    if (!ctx) {
        fprintf(stderr, "FAIL: loading the credentials: %s\n",
                error_last() ? error_last()->message : "?");
        exit(1);
    }
    return ctx;
}

/* Scans every private writable mapping without a file (the heap and
 * malloc's mmaps) for the needle. Returns its address, or 0. */
static uintptr_t scan_memory(void)
{
    FILE *maps = fopen("/proc/self/maps", "re");
    int mem = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
    char line[512];
    uintptr_t found = 0;

    if (!maps || mem < 0) {
        perror("/proc/self");
        exit(2);
    }
    while (!found && fgets(line, sizeof(line), maps)) {
        uintptr_t lo, hi;
        char perms[8], path[256] = "";
        if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s %*s %*s %*s %255s", &lo, &hi, perms,
                   path) < 3)
            continue;
        if (perms[0] != 'r' || perms[1] != 'w' || hi - lo > REGION_MAX ||
            (path[0] && strcmp(path, "[heap]") != 0))
            continue;
        /* Overlapping reads, so that a line across two reads is seen. */
        for (uintptr_t at = lo; at < hi && !found; at += sizeof(scratch) - needle_len) {
            size_t want = hi - at < sizeof(scratch) ? hi - at : sizeof(scratch);
            ssize_t n = pread(mem, scratch, want, (off_t)at);
            const unsigned char *hit;
            uintptr_t where;
            if (n <= 0)
                break;
            hit = find(scratch, (size_t)n);
            where = hit ? at + (uintptr_t)(hit - scratch) : 0;
            /* The scratch buffer holds what it copied of itself. */
            if (hit &&
                (where < (uintptr_t)scratch || where >= (uintptr_t)scratch + sizeof(scratch)))
                found = where;
            if ((size_t)n < want)
                break;
        }
    }
    fclose(maps);
    close(mem);
    return found;
}

int main(int argc, char **argv)
{
    char pki[4096], file[4200];
    struct tls_context *ctx;
    uintptr_t at;
    int rc = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: test-tls-key-wipe PKIDIR\n");
        return 2;
    }
    if (install_free_hook() < 0) {
        fprintf(stderr, "FAIL: cannot install the free hook\n");
        return 1;
    }
    snprintf(pki, sizeof(pki), "%s/server-ok", argv[1]);
    snprintf(file, sizeof(file), "%s/serverkey.pem", pki);
    if (pick_needle(file) < 0) {
        fprintf(stderr, "FAIL: no PEM block in %s\n", file);
        return 1;
    }
    ctx = load(pki);
    if (freed_at) {
        fprintf(stderr,
                "FAIL: a buffer of %zu bytes freed while the credentials loaded held the "
                "private key's PEM text\n",
                freed_size);
        rc = 1;
    } else {
        printf("PASS no buffer freed while the credentials loaded held the private key's PEM "
               "text\n");
    }
    at = scan_memory();
    if (at) {
        fprintf(stderr,
                "FAIL: the private key's PEM text is in memory at %#" PRIxPTR
                " after loading\n",
                at);
        rc = 1;
    } else {
        printf("PASS the private key's PEM text is not in memory after loading\n");
    }
    tls_context_free(ctx);

    /* The control: the certificate's text is not secret and not wiped, and
     * the hook sees it freed. */
    snprintf(file, sizeof(file), "%s/servercert.pem", pki);
    if (pick_needle(file) < 0) {
        fprintf(stderr, "FAIL: no PEM block in %s\n", file);
        return 1;
    }
    tls_context_free(load(pki));
    if (!freed_at) {
        fprintf(stderr, "FAIL: the hook did not see the certificate's PEM text freed either\n");
        rc = 1;
    } else {
        printf("PASS the hook sees the certificate's PEM text freed unwiped (not a secret)\n");
    }
    return rc;
}
