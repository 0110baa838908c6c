/* test-guestops: the test driver's guest operations on domains (time,
 * hostname, file systems, keys, rename, save and restore, managed save,
 * core dumps, metadata, interface addresses, lifecycle actions, passwords,
 * control and launch security info), as real libvirt 9.0's test driver
 * answers them. What each domain's guest holds besides its definition
 * (its clock, its frozen file systems, a managed save image) is a kind of
 * its own (test-internal.h: test_guest_kind), keyed by the domain's uuid,
 * saved with test:///default's shared state; its metadata-change events
 * are that kind's journal records.
 *
 * test.c lends this file its domains through the test_dom_* calls
 * (test-internal.h) and calls the test_guest_* hooks where a domain starts, is dropped or
 * is undefined. */
#ifndef SRC_DRIVERS_TEST_GUESTOPS_H
#define SRC_DRIVERS_TEST_GUESTOPS_H

#include "conf/domain_xml.h"
#include "driver.h"
#include "test-internal.h"

struct tdom;

/* ---- this file's hooks, for test.c ---- */

/* d is about to run: its managed save image is used up. */
void test_guest_started(struct drv_conn *c, const unsigned char *uuid);
/* d is gone: what its guest held goes with it. */
void test_guest_forget(struct drv_conn *c, const unsigned char *uuid);
/* Whether d has a managed save image (virDomainHasManagedSaveImage). */
int test_guest_has_managed_save(struct drv_conn *c, const unsigned char *uuid);
/* libvirt's undefine check: -1 with its error when d has a managed save
 * image and flags lack VIR_DOMAIN_UNDEFINE_MANAGED_SAVE; the image goes
 * with the definition otherwise. */
int test_guest_undefine(struct drv_conn *c, const unsigned char *uuid, unsigned int flags);

/* The operations, by procedure (driver-ops.h), for test.c's table. */
#define TEST_GUEST_DOMAIN_OPS                                                                  \
    .domain_get_time = test_guest_get_time, .domain_set_time = test_guest_set_time,            \
    .domain_get_hostname = test_guest_get_hostname,                                            \
    .domain_get_fsinfo = test_guest_get_fsinfo, .domain_fsfreeze = test_guest_fsfreeze,        \
    .domain_fsthaw = test_guest_fsthaw, .domain_fstrim = test_guest_fstrim,                    \
    .domain_send_key = test_guest_send_key, .domain_inject_nmi = test_guest_inject_nmi,        \
    .domain_screenshot = test_guest_screenshot,                                                \
    .domain_rename = test_guest_rename, .domain_save = test_guest_save,                        \
    .domain_save_flags = test_guest_save_flags, .domain_restore = test_guest_restore,          \
    .domain_restore_flags = test_guest_restore_flags,                                          \
    .domain_save_image_get_xml_desc = test_guest_save_image_get_xml_desc,                      \
    .domain_save_image_define_xml = test_guest_save_image_define_xml,                          \
    .domain_managed_save = test_guest_managed_save,                                            \
    .domain_managed_save_remove = test_guest_managed_save_remove,                              \
    .domain_core_dump = test_guest_core_dump,                                                  \
    .domain_core_dump_with_format = test_guest_core_dump_with_format,                          \
    .domain_get_metadata = test_guest_get_metadata,                                            \
    .domain_set_metadata = test_guest_set_metadata,                                            \
    .domain_interface_addresses = test_guest_interface_addresses,                              \
    .domain_set_lifecycle_action = test_guest_set_lifecycle_action,                            \
    .domain_set_user_password = test_guest_set_user_password,                                  \
    .domain_get_control_info = test_guest_get_control_info,                                    \
    .domain_get_launch_security_info = test_guest_get_launch_security_info

#define TG_OP(name, args) int test_guest_##name(struct drv_conn *c, const remote_domain_##args##_args *a)
#define TG_OPR(name, args)                                                                     \
    int test_guest_##name(struct drv_conn *c, const remote_domain_##args##_args *a,           \
                          remote_domain_##args##_ret *r)
TG_OPR(get_time, get_time);
TG_OP(set_time, set_time);
TG_OPR(get_hostname, get_hostname);
TG_OPR(get_fsinfo, get_fsinfo);
TG_OPR(fsfreeze, fsfreeze);
TG_OPR(fsthaw, fsthaw);
TG_OP(fstrim, fstrim);
TG_OP(send_key, send_key);
TG_OP(inject_nmi, inject_nmi);
TG_OPR(screenshot, screenshot);
TG_OPR(rename, rename);
TG_OP(save, save);
TG_OP(save_flags, save_flags);
TG_OP(restore, restore);
TG_OP(restore_flags, restore_flags);
TG_OPR(save_image_get_xml_desc, save_image_get_xml_desc);
TG_OP(save_image_define_xml, save_image_define_xml);
TG_OP(managed_save, managed_save);
TG_OP(managed_save_remove, managed_save_remove);
TG_OP(core_dump, core_dump);
TG_OP(core_dump_with_format, core_dump_with_format);
TG_OPR(get_metadata, get_metadata);
TG_OP(set_metadata, set_metadata);
TG_OPR(interface_addresses, interface_addresses);
TG_OP(set_lifecycle_action, set_lifecycle_action);
TG_OP(set_user_password, set_user_password);
TG_OPR(get_control_info, get_control_info);
TG_OPR(get_launch_security_info, get_launch_security_info);
#undef TG_OP
#undef TG_OPR

#endif
