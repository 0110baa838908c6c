/* domain_xml_priv: what the domain XML parser (domain_xml.c) shares with a
 * driver's rules for completing a definition (domain_qemu.c). Not for
 * drivers: they use domain_xml.h. */
#ifndef SRC_CONF_DOMAIN_XML_PRIV_H
#define SRC_CONF_DOMAIN_XML_PRIV_H

#include <stddef.h>

#include <libxml/tree.h>

#include "domain_xml.h"

/* strdup of NULL is NULL. */
char *dx_xstrdup(const char *s);

/* arr grown by one zeroed element of `size` (n before); NULL when out of
 * memory (arr is left as it was). */
void *dx_grow(void *arr, size_t n, size_t size);

/* Adds a controller where libvirt puts it: a new type last, within a type
 * sorted by index. Takes model and extra (freed on failure). Returns 0 or
 * -1 when out of memory. */
int dx_ctrl_insert(struct dx_def *def, int type, int index, char *model,
                   const struct dx_addr *addr, char *extra);

/* Adds a video device with libvirt's defaults for what is NULL. */
int dx_add_video(struct dx_def *def, const char *model, const char *vram, const char *ram,
                 const char *heads, const char *primary);

/* An input of type and bus, appended (libvirt's implicit ps2 ones). */
int dx_add_input(struct dx_def *def, const char *type, const char *bus);

/* The QEMU driver's rules (domain_qemu.c), in the order parse_root calls
 * them: before the defaults every driver shares (arch, emulator, machine,
 * the machine's own controllers), and after them (cpu, disk drivers,
 * interface models, implicit inputs, audio, memballoon, addresses).
 * Each returns 0, or -1 with the error recorded as libvirt words it. */
int dxq_post_parse_early(struct dx_def *def, const struct dx_env *env);
int dxq_post_parse(struct dx_def *def);

#endif
