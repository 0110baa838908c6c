/* test-dstats: the test driver's domain statistics and tuning (test-dstats.c),
 * the operations test.c puts in its tables. Each returns 0, or -1 with
 * libvirt's error recorded. */
#ifndef SRC_DRIVERS_TEST_DSTATS_H
#define SRC_DRIVERS_TEST_DSTATS_H

#include "conf/domain_xml.h"
#include "driver.h"

struct tdom;

int tds_domain_get_vcpus(struct drv_conn *c, const remote_domain_get_vcpus_args *args,
                         remote_domain_get_vcpus_ret *ret);
int tds_domain_get_vcpu_pin_info(struct drv_conn *c,
                                 const remote_domain_get_vcpu_pin_info_args *args,
                                 remote_domain_get_vcpu_pin_info_ret *ret);
int tds_domain_pin_vcpu(struct drv_conn *c, const remote_domain_pin_vcpu_args *args);
int tds_domain_pin_vcpu_flags(struct drv_conn *c,
                              const remote_domain_pin_vcpu_flags_args *args);
int tds_domain_pin_emulator(struct drv_conn *c, const remote_domain_pin_emulator_args *args);
int tds_domain_get_emulator_pin_info(struct drv_conn *c,
                                     const remote_domain_get_emulator_pin_info_args *args,
                                     remote_domain_get_emulator_pin_info_ret *ret);
int tds_domain_get_iothread_info(struct drv_conn *c,
                                 const remote_domain_get_iothread_info_args *args,
                                 remote_domain_get_iothread_info_ret *ret);
int tds_domain_add_iothread(struct drv_conn *c, const remote_domain_add_iothread_args *args);
int tds_domain_del_iothread(struct drv_conn *c, const remote_domain_del_iothread_args *args);
int tds_domain_pin_iothread(struct drv_conn *c, const remote_domain_pin_iothread_args *args);
int tds_domain_set_iothread_params(struct drv_conn *c,
                                   const remote_domain_set_iothread_params_args *args);
int tds_domain_block_stats(struct drv_conn *c, const remote_domain_block_stats_args *args,
                           remote_domain_block_stats_ret *ret);
int tds_domain_interface_stats(struct drv_conn *c,
                               const remote_domain_interface_stats_args *args,
                               remote_domain_interface_stats_ret *ret);
int tds_domain_get_block_info(struct drv_conn *c, const remote_domain_get_block_info_args *args,
                              remote_domain_get_block_info_ret *ret);
int tds_domain_get_disk_errors(struct drv_conn *c,
                               const remote_domain_get_disk_errors_args *args,
                               remote_domain_get_disk_errors_ret *ret);
int tds_domain_get_scheduler_type(struct drv_conn *c,
                                  const remote_domain_get_scheduler_type_args *args,
                                  remote_domain_get_scheduler_type_ret *ret);
int tds_domain_get_scheduler_parameters(struct drv_conn *c,
                                        const remote_domain_get_scheduler_parameters_args *args,
                                        remote_domain_get_scheduler_parameters_ret *ret);
int tds_domain_get_scheduler_parameters_flags(
    struct drv_conn *c, const remote_domain_get_scheduler_parameters_flags_args *args,
    remote_domain_get_scheduler_parameters_flags_ret *ret);
int tds_domain_set_scheduler_parameters(
    struct drv_conn *c, const remote_domain_set_scheduler_parameters_args *args);
int tds_domain_set_scheduler_parameters_flags(
    struct drv_conn *c, const remote_domain_set_scheduler_parameters_flags_args *args);
int tds_domain_get_memory_parameters(struct drv_conn *c,
                                     const remote_domain_get_memory_parameters_args *args,
                                     remote_domain_get_memory_parameters_ret *ret);
int tds_domain_set_memory_parameters(struct drv_conn *c,
                                     const remote_domain_set_memory_parameters_args *args);
int tds_domain_get_blkio_parameters(struct drv_conn *c,
                                    const remote_domain_get_blkio_parameters_args *args,
                                    remote_domain_get_blkio_parameters_ret *ret);
int tds_domain_set_blkio_parameters(struct drv_conn *c,
                                    const remote_domain_set_blkio_parameters_args *args);
int tds_domain_get_numa_parameters(struct drv_conn *c,
                                   const remote_domain_get_numa_parameters_args *args,
                                   remote_domain_get_numa_parameters_ret *ret);
int tds_domain_set_numa_parameters(struct drv_conn *c,
                                   const remote_domain_set_numa_parameters_args *args);
int tds_domain_get_perf_events(struct drv_conn *c,
                               const remote_domain_get_perf_events_args *args,
                               remote_domain_get_perf_events_ret *ret);
int tds_domain_set_perf_events(struct drv_conn *c,
                               const remote_domain_set_perf_events_args *args);
int tds_domain_set_block_io_tune(struct drv_conn *c,
                                 const remote_domain_set_block_io_tune_args *args);
int tds_domain_set_memory_stats_period(struct drv_conn *c,
                                       const remote_domain_set_memory_stats_period_args *args);
int tds_domain_get_cpu_stats(struct drv_conn *c, const remote_domain_get_cpu_stats_args *args,
                             remote_domain_get_cpu_stats_ret *ret);
int tds_domain_get_block_io_tune(struct drv_conn *c,
                                 const remote_domain_get_block_io_tune_args *args,
                                 remote_domain_get_block_io_tune_ret *ret);
/* Rewrites the tuning elements of a definition a client or a node file
 * gave (<memtune> in KiB, IOThread ids, ...) in libvirt's canonical form. */
int tds_canonical(struct dx_def *def);
/* domstats' iothread group for d: appended to the *n parameters at
 * *params (a malloc'd array, grown as needed). */
int tds_stats_iothread(const struct tdom *d, remote_typed_param **params, u_int *n);

#endif
