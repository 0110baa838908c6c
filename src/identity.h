/* identity: on whose behalf a connection process opens files. A driver
 * that reads a path the client named (a test-driver node file, and every
 * file it refers to) opens it with the client's own permissions, never
 * with the daemon's: a local user reaching the root daemon through the
 * read-only socket can read exactly what it could read itself.
 *
 * - A unix-socket peer is the uid, gid and supplementary groups the kernel
 *   vouches for (SO_PEERCRED, SO_PEERGROUPS).
 * - Everything else is the daemon's own identity: over --stdio the process
 *   already runs as its caller (ssh, ext, a spawning client); tcp and tls
 *   clients hold read-write access to the whole host anyway. */
#ifndef SRC_IDENTITY_H
#define SRC_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct identity {
    bool peer; /* false: the process's own identity */
    uid_t uid;
    gid_t gid;
    gid_t *groups; /* supplementary groups, malloc'd */
    size_t ngroups;
};

/* The process's own identity. */
void identity_self(struct identity *id);

/* The peer of the unix socket fd. Returns 0, or -1 with errno set when the
 * kernel does not say (not a unix socket). */
int identity_from_socket(int fd, struct identity *id);

void identity_clear(struct identity *id);

/* Reads the regular file at path, at most max bytes, as `id`: the open
 * is checked with id's uid, gid and groups (the process takes them for
 * the open alone, with setfsuid/setfsgid/setgroups), does not follow a
 * symbolic link in the last component and opens nothing but a regular
 * file (a FIFO, device or socket is refused before it is opened for
 * reading, so nothing blocks and no device sees an open). A NULL id is the
 * process's own identity. On success *text is malloc'd, NUL-terminated,
 * *len bytes long, and 0 is returned; otherwise -1 with the error
 * recorded (rpc/error.h, domain err_domain), naming the path. */
int identity_read_file(const struct identity *id, const char *path, size_t max,
                       int err_domain, char **text, size_t *len);

/* Opens the regular file at path for reading as `id`, with the checks of
 * identity_read_file, for a reader that wants only its first bytes.
 * Returns the fd, or -1 with the error recorded (naming the path) and
 * errno set. */
int identity_open_read(const struct identity *id, const char *path, int err_domain);

/* Creates or truncates the file at path for writing as `id` (mode for a
 * new file): the last component is not followed if it is a symbolic link
 * and anything but a regular file is refused (EINVAL) before it is
 * opened. Returns the fd, or -1 with errno set; nothing is recorded (the
 * caller words the error). */
int identity_open_write(const struct identity *id, const char *path, mode_t mode);

#endif
