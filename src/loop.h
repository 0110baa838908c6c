/* loop: the connection process's one event loop, an epoll set of fds, each
 * with a callback. The session watches its channel; a driver adds the fds
 * it waits on (a monitor socket, an inotify watch) and waits through the
 * session (session_wait_fd), which runs this loop, so keepalive is answered
 * and further calls are queued meanwhile. Single-threaded: callbacks run
 * inside loop_run_once and may add and remove watches. */
#ifndef SRC_LOOP_H
#define SRC_LOOP_H

#include <stdint.h>

struct loop;

/* Called when fd is ready for any of the events it is watched for (EPOLLIN,
 * EPOLLOUT; EPOLLHUP and EPOLLERR come unasked). */
typedef void (*loop_fd_fn)(void *opaque, int fd, uint32_t events);

/* A new loop; NULL with errno set on failure. */
struct loop *loop_new(void);
void loop_free(struct loop *l);

/* Watches fd for events. An fd epoll cannot watch (a regular file, as the
 * fuzzer's input) counts as always ready. Returns 0, or -1 with errno set. */
int loop_watch(struct loop *l, int fd, uint32_t events, loop_fd_fn fn, void *opaque);

/* Changes the events fd is watched for (0: none for now). Returns 0 or -1. */
int loop_rewatch(struct loop *l, int fd, uint32_t events);

/* Stops watching fd (before it is closed). */
void loop_unwatch(struct loop *l, int fd);

/* Waits until a watched fd is ready or the monotonic clock reaches
 * deadline_ms (-1: no deadline), then runs the callbacks of the ready fds.
 * Returns the number of callbacks run (0 when the deadline came first), or
 * -1 with errno set (EINTR is retried). */
int loop_run_once(struct loop *l, long long deadline_ms);

#endif
