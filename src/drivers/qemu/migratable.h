/* migratable: a domain's XML as virDomainGetXMLDesc gives it with
 * VIR_DOMAIN_XML_MIGRATABLE, the form another (older) libvirt accepts:
 * without what this libvirt adds by itself that an older one would not
 * know or would add again (observed with real libvirt 9.0's QEMU driver,
 * and checked by tests/qemu/qemu-xml.py on every domain of its data):
 * - the domain's id, device aliases and the security labels;
 * - the implicit devices: the USB controller piix3-uhci at its default
 *   address (00:01.2), the pci-root controller, the PS/2 keyboard and
 *   the audio backend of type none;
 * - what a run filled in: a disk source's index, the pty paths of serial
 *   ports and consoles, tap names made up for interfaces (vnetN), a VNC
 *   port chosen by autoport and the listen address from the defaults (the
 *   graphics element as defined), the CPU as QEMU expanded it (back to
 *   check='none', without the features the definition does not name);
 * - and a disk driver without a format says type='raw'.
 * What else a run gives (a serial file's path, <resource>) stays. */
#ifndef SRC_DRIVERS_QEMU_MIGRATABLE_H
#define SRC_DRIVERS_QEMU_MIGRATABLE_H

/* xml: a domain's XML as this driver formats it (live or inactive);
 * defined: the definition it runs (formatted inactive), whose <cpu>
 * replaces xml's; NULL when xml is that definition. Returns the
 * migratable form (malloc'd), or NULL with the error recorded. */
char *qemu_xml_migratable(const char *xml, const char *defined);

#endif
