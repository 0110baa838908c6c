/* file: whole files that many per-connection processes share, each one
 * replaced atomically. A writer killed at any moment (kill -9 included)
 * leaves the old content or the new, never a mix; a reader sees one or the
 * other. The directory may be written by other processes, so what is read
 * is bounded in size.
 *
 * A write goes to a temporary file beside the target (".NAME.tmp-PID-N"),
 * which the writer holds an OFD lock on; it is fsync'd and renamed over
 * the target, and the directory is fsync'd. Every write first removes the
 * temporary files in its directory whose writer is gone (their lock is
 * free), so a crashed writer's leftovers do not pile up.
 *
 * Errors are recorded (rpc/error.h, domain FROM_NONE, as libvirt's own
 * file helpers report them) naming the path, e.g. "Failed to write file
 * '/run/x/qemu/vm1.xml': No space left on device". errno is kept. */
#ifndef SRC_STATE_FILE_H
#define SRC_STATE_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* Replaces the file at path with len bytes of data, with exactly `mode`
 * (the umask does not apply). The directory must exist. Returns 0 once
 * the new content is durable (file and directory synced), -1 on error:
 * the old content (or no file) is still there, except when only the last
 * step, syncing the directory, failed: then the new content is in place
 * but may not survive a power cut. */
int state_file_write(const char *path, const void *data, size_t len, mode_t mode);

/* The same replacement, atomic all the same (a reader, or a writer killed
 * at any moment, sees the old content or the new), without the two
 * fsyncs: for runtime state under the run directory (a domain's status,
 * its pid, its launch file, the next domain id), which describes processes
 * that a power cut ends too, and which lives on tmpfs (/run) where it is
 * served. On a disk the fsyncs cost milliseconds at every state change,
 * before the change's event can go out. Returns 0 or -1 as above. */
int state_file_write_runtime(const char *path, const void *data, size_t len, mode_t mode);

/* Reads the regular file at path (a symbolic link in the last component,
 * a FIFO or a device is refused without blocking). A file larger than max
 * bytes is refused (EFBIG). On success *data is malloc'd (caller frees),
 * NUL-terminated, *len bytes long, and 0 is returned; otherwise -1 with
 * the error recorded and errno set: ENOENT when there is no such file. */
int state_file_read(const char *path, size_t max, char **data, size_t *len);

/* Removes the file at path and syncs the directory. Returns 0 when it is
 * gone (including when it was not there), -1 on error. */
int state_file_remove(const char *path);

/* Creates the directory path and its missing parents (mkdir -p), those
 * it creates with exactly `mode`; existing ones are left as they are.
 * Returns 0 when path is a directory, -1 on error. */
int state_file_mkdirs(const char *path, mode_t mode);

#endif
