/* host: what libvirt 9.0 reports about the node itself, read from the
 * same places: /proc/cpuinfo and /proc/meminfo, /sys/devices/system/cpu
 * (topology, caches), /sys/devices/system/node (NUMA cells, their memory,
 * huge pages and distances), /sys/kernel/mm/hugepages. */
#ifndef SRC_DRIVERS_QEMU_HOST_H
#define SRC_DRIVERS_QEMU_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* virNodeGetInfo's answer. */
struct host_info {
    char model[32]; /* the host's arch: x86_64 */
    uint64_t memory_kib;
    unsigned cpus, mhz, nodes, sockets, cores, threads;
};

/* Fills *info as libvirt's virHostCPUGetInfo does on Linux. Returns 0, or
 * -1 with the error recorded. */
int host_get_info(struct host_info *info);

/* libvirt's name of the host's arch (x86_64, i686, aarch64, ...). */
const char *host_arch(void);

/* The node's host name (virConnectGetHostname). Returns a new string, or
 * NULL with the error recorded. */
char *host_hostname(void);

/* A growing text buffer for the XML writers. */
struct host_buf {
    char *s;
    size_t len, cap;
    bool failed; /* out of memory: s is freed at the end */
};

void host_buf_printf(struct host_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Takes the text (NULL, with libvirt's out-of-memory error recorded, when
 * something failed). */
char *host_buf_take(struct host_buf *b);

/* The <pages> lines of capabilities' <host><cpu>: the base page size and
 * each huge page size, at the given indent. */
void host_format_page_sizes(struct host_buf *b, const char *indent);

/* <topology>'s <cells>, <cache> and the cell count, at two spaces of
 * indent per level from <host>'s children. */
void host_format_topology(struct host_buf *b);
void host_format_cache(struct host_buf *b);

/* Whether the host has IOMMU groups (<iommu support=...>). */
bool host_has_iommu(void);

/* The host's UUID: libvirtd.conf's host_uuid, else the SMBIOS system UUID,
 * else one derived from /etc/machine-id (real libvirt makes up a random
 * one each time it starts; a per-connection daemon must not). Writes it
 * into buf (37 bytes). */
void host_uuid(const char *configured, char *buf);

/* The first microcode revision of /proc/cpuinfo, 0 when it names none. */
unsigned long long host_microcode(void);

/* One of virNodeGetMemoryStats' or virNodeGetCPUStats' fields. */
struct host_stat {
    const char *name;
    uint64_t value;
};

/* virNodeGetMemoryStats (KiB: total, free, buffers, cached for the
 * whole host, total and free for a cell) and virNodeGetCPUStats (ns:
 * kernel, user, idle, iowait of one CPU or, cpu -1, all). Fills out (4
 * entries) and returns how many, or -1 with libvirt's error. */
int host_memory_stats(int cell, struct host_stat *out);
int host_cpu_stats(int cpu, struct host_stat *out);

/* One more than the highest NUMA node (0 without NUMA in sysfs). */
int host_node_count(void);

/* A cell's free memory in bytes; -1 when it has none. */
int host_cell_free(int cell, uint64_t *bytes);

/* virConnectGetSysinfo: the SMBIOS document in *out, or -1 with libvirt's
 * error. */
int host_sysinfo(char **out);

/* The host's free memory in bytes (virNodeGetFreeMemory: the cells'). */
uint64_t host_free_memory(void);

/* virNodeGetCPUMap: sets the bits of the online CPUs in map (room for max
 * CPUs, zeroed by the caller) and *online to their count; returns the
 * number of CPUs present (one more than the highest), or -1 with the
 * error recorded. */
int host_cpu_map(unsigned char *map, int max, unsigned int *online);

#endif
