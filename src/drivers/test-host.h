/* test-host: the test driver's host-level calls (libvirt 9.0's made-up
 * host: 8 CPUs of which 0, 2 and 4 are online, fixed CPU statistics,
 * two NUMA cells on test:///default and none in node files). */
#ifndef SRC_DRIVERS_TEST_HOST_H
#define SRC_DRIVERS_TEST_HOST_H

#include "remote_protocol.h"

/* Each fills RET from ARGS as the procedure's driver operation does and
 * returns 0, or -1 with libvirt's error recorded. DEFAULT_NODE says the
 * connection is test:///default's (whose cells the test host has). */
int thost_node_get_cpu_map(const remote_node_get_cpu_map_args *args,
                           remote_node_get_cpu_map_ret *ret);
int thost_node_get_free_pages(const remote_node_get_free_pages_args *args,
                              remote_node_get_free_pages_ret *ret);
int thost_node_get_cells_free_memory(int default_node,
                                     const remote_node_get_cells_free_memory_args *args,
                                     remote_node_get_cells_free_memory_ret *ret);
int thost_node_get_cpu_stats(const remote_node_get_cpu_stats_args *args,
                             remote_node_get_cpu_stats_ret *ret);
int thost_connect_get_cpu_model_names(const remote_connect_get_cpu_model_names_args *args,
                                      remote_connect_get_cpu_model_names_ret *ret);
int thost_connect_baseline_cpu(const remote_connect_baseline_cpu_args *args,
                               remote_connect_baseline_cpu_ret *ret);

#endif
