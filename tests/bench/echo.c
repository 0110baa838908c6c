/* echo-floor: the least a socket-activated per-connection server can do.
 * systemd-socket-activate --accept hands it the connection on fd 3; it
 * sends back the first 28 bytes it reads and exits. Built static, so its
 * start-up is fork + exec and nothing else: scripts/bench.sh measures it
 * as the floor under libvirtd's open + call + close. */
#include <unistd.h>

int main(void)
{
    char buf[28];
    size_t got = 0;

    while (got < sizeof(buf)) {
        ssize_t r = read(3, buf + got, sizeof(buf) - got);
        if (r <= 0)
            return 1;
        got += (size_t)r;
    }
    return write(3, buf, got) == (ssize_t)got ? 0 : 1;
}
