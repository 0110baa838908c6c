/* Fuzz target: bytes from a client, straight into one daemon session. The
 * input is the byte stream a client would send: frames (length word, header,
 * XDR body), back to back, possibly cut short. It covers framing, header
 * checks, argument decoding of every procedure in the dispatch table and the
 * handlers behind them, with the test driver.
 *
 * When the first input byte is odd, a CONNECT_OPEN of test:///default is
 * sent first, so that the fuzzer reaches the handlers that need an open
 * connection without having to discover that frame itself. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char open_frame[] = {
    0x00, 0x00, 0x00, 0x38, /* length 56 */
    0x20, 0x00, 0x80, 0x86, /* remote program */
    0x00, 0x00, 0x00, 0x01, /* version 1 */
    0x00, 0x00, 0x00, 0x01, /* CONNECT_OPEN */
    0x00, 0x00, 0x00, 0x00, /* CALL */
    0x00, 0x00, 0x00, 0x01, /* serial */
    0x00, 0x00, 0x00, 0x00, /* OK */
    0x00, 0x00, 0x00, 0x01, /* name present */
    0x00, 0x00, 0x00, 0x0f, 't', 'e', 's', 't', ':', '/', '/', '/',
    'd', 'e', 'f', 'a', 'u', 'l', 't', 0x00,
    0x00, 0x00, 0x00, 0x00, /* flags */
};

static int write_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The session reads a memory file (always readable, then end of file)
     * and writes its replies to /dev/null. */
    int in = memfd_create("fuzz-input", MFD_CLOEXEC);
    int out = open("/dev/null", O_WRONLY | O_CLOEXEC);
    struct session_options opt = {.keepalive_interval = 0, .peer = "fuzz"};

    if (in < 0 || out < 0)
        goto fail;
    if (size > 0 && (data[0] & 1) && write_all(in, open_frame, sizeof(open_frame)) < 0)
        goto fail;
    if (size > 1 && write_all(in, data + 1, size - 1) < 0)
        goto fail;
    if (lseek(in, 0, SEEK_SET) < 0)
        goto fail;
    struct channel *ch = channel_new(in, out);
    if (!ch)
        goto fail;
    session_run(ch, &opt); /* closes both fds */
    return 0;
fail:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return 0;
}
