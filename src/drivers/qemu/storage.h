/* storage: the QEMU driver's storage pools and volumes (the `dir` backend),
 * kept on disk where real libvirt 9.0's storage driver keeps them, so that
 * every connection process sees the same pools:
 *
 *   SCONF/NAME.xml            a persistent pool's definition
 *   SCONF/autostart/NAME.xml  symlink to it when autostart is on
 *   SRUN/NAME.xml             an active pool's state (<poolstate>)
 *   SRUN/NAME.stopped         the last live XML of a pool stopped since
 *   SRUN/pools.lock           the storage lock: every change takes it
 *
 * SCONF is /etc/libvirt/storage and SRUN /run/libvirt/storage for
 * qemu:///system (under qemu_root when set), $XDG_CONFIG_HOME/libvirt/storage
 * and $XDG_RUNTIME_DIR/libvirt/storage/run for qemu:///session. Volumes are
 * the regular files in the pool's target directory, read (stat and the
 * image header) each time they are asked for; raw files are made here,
 * qcow2 ones by qemu-img. */
#ifndef SRC_DRIVERS_QEMU_STORAGE_H
#define SRC_DRIVERS_QEMU_STORAGE_H

#include "driver.h"

struct qdrv;

extern const struct drv_storage_ops qemu_storage_ops;

/* A journal record of the storage kind ("pool ..."), to q's sink. */
void qstorage_deliver(struct qdrv *q, const char *rec);

/* The file of volume NAME of active pool POOL, as a domain disk of
 * type='volume' uses it: *path (malloc'd) and its format name ("raw",
 * "qcow2"), or -1 recorded (libvirt's errors for a missing or inactive
 * pool and a missing volume). */
int qstorage_volume_file(struct qdrv *q, const char *pool, const char *name, char **path,
                         const char **format);

/* The seam for volume upload and download (virStorageVolUpload and
 * Download): the file of vol (a reference from the client: its pool must
 * be active, its name one of the pool's files) opened for reading (write
 * 0) or writing (write 1), positioned at offset. *fd (the caller closes
 * it), and in *bound how many bytes from offset the transfer may move: 0
 * for no bound (to the end of the file for a read). As in libvirt, the
 * range is not checked against the volume's size: a read past the end
 * ends at once, a write past it grows the file. 0, or -1 recorded. The
 * storage lock is not held: as in libvirt, a transfer runs beside other
 * calls. */
int qstorage_vol_open(struct drv_conn *c, const remote_nonnull_storage_vol *vol, int write,
                      unsigned long long offset, unsigned long long length, int *fd,
                      unsigned long long *bound);

#endif
