/* The QEMU driver's rules for a parsed domain definition: what real libvirt
 * 9.0's QEMU driver fills in at define (its post-parse callbacks and its
 * PCI and USB address assignment), for a basic x86 pc (i440FX) machine,
 * and the aliases it gives devices when a domain starts.
 *
 * Observed with real libvirtd 9.0 and QEMU 7.2 (tests/data/qemu/): the
 * host's emulator and the canonical machine name come from the capability
 * probe (struct dx_env); the cpu is qemu64 (custom, exact, check none,
 * fallback forbid); an i440FX machine has a piix3-uhci USB controller at
 * 00:01.2, the IDE controller at 00:01.1 and pci-root; ps2 mouse and
 * keyboard, <audio id='1' type='none'/> and a virtio memballoon are
 * added; disks get driver qemu and format raw, cdroms are read-only,
 * interfaces get model rtl8139, serials isa-serial; then PCI slots: the
 * primary video at 00:02.0, and the other devices in libvirt's order
 * (controllers, interfaces, virtio disks, memballoon, other videos), each
 * in the lowest free slot of bus 0; USB inputs take the controller's
 * ports in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain_xml.h"
#include "domain_xml_priv.h"
#include "error.h"

#define PCI_SLOTS 32

/* The functions used on each slot of bus 0, one bit each. */
struct pci_bus {
    unsigned char used[PCI_SLOTS];
};

/* pc, pc-i440fx-7.2, and the old pc-1.0 style names are i440FX machines. */
static int is_i440fx(const char *machine)
{
    return strcmp(machine, "pc") == 0 || strncmp(machine, "pc-i440fx-", 10) == 0 ||
           (strncmp(machine, "pc-", 3) == 0 && machine[3] >= '0' && machine[3] <= '9');
}

static char *no_default(const char *what)
{
    error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "no default %s for this domain", what);
    return NULL;
}

int dxq_post_parse_early(struct dx_def *def, const struct dx_env *env)
{
    if (!def->arch) {
        def->arch = env->default_arch ? env->default_arch(env->opaque, def->virt_type)
                                      : no_default("architecture");
        if (!def->arch)
            return -1;
    }
    if (!def->emulator) {
        def->emulator = env->default_emulator
                            ? env->default_emulator(env->opaque, def->virt_type, def->arch)
                            : no_default("emulator");
        if (!def->emulator)
            return -1;
    }
    if (strcmp(def->virt_type, "qemu") != 0 && strcmp(def->virt_type, "kvm") != 0) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU,
                     "Emulator '%s' does not support virt type '%s'", def->emulator,
                     def->virt_type);
        return -1;
    }
    if (strcmp(def->os_type, "hvm") != 0) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU,
                     "Emulator '%s' does not support os type '%s'", def->emulator,
                     def->os_type);
        return -1;
    }
    char *machine = NULL;
    if (!def->machine)
        machine = env->default_machine ? env->default_machine(env->opaque, def->emulator,
                                                              def->virt_type, def->arch)
                                       : no_default("machine type");
    else if (env->canonical_machine)
        machine = env->canonical_machine(env->opaque, def->emulator, def->virt_type, def->arch,
                                         def->machine);
    else
        machine = strdup(def->machine);
    if (!machine)
        return -1;
    free(def->machine);
    def->machine = machine;

    if (!def->balloon_model && !(def->balloon_model = strdup("virtio")))
        return -1;
    /* The machine's default CPU model (post_cpu completes the element). */
    if (!def->cpu.mode && !def->cpu.model && env->default_cpu) {
        char *model = env->default_cpu(env->opaque, def->emulator, def->virt_type, def->machine);
        if (!model)
            return -1;
        if (*model)
            def->cpu.model = model;
        else
            free(model);
    }
    if (!is_i440fx(def->machine))
        return 0;
    /* An i440FX machine's own USB controller and PCI root. */
    int usb0 = 0, pci0 = 0;
    for (size_t i = 0; i < def->nctrls; i++) {
        usb0 |= def->ctrls[i].type == DX_CTRL_USB && def->ctrls[i].index == 0;
        pci0 |= def->ctrls[i].type == DX_CTRL_PCI && def->ctrls[i].index == 0;
    }
    if (!usb0 && dx_ctrl_insert(def, DX_CTRL_USB, 0, NULL, NULL, NULL) < 0)
        return -1;
    if (!pci0 && dx_ctrl_insert(def, DX_CTRL_PCI, 0, strdup("pci-root"), NULL, NULL) < 0)
        return -1;
    for (size_t i = 0; i < def->nctrls; i++) {
        struct dx_controller *c = &def->ctrls[i];
        if (c->type == DX_CTRL_USB && !c->model && !(c->model = strdup("piix3-uhci")))
            return -1;
        if (c->type == DX_CTRL_PCI && !c->model &&
            !(c->model = strdup(c->index == 0 ? "pci-root" : "pci-bridge")))
            return -1;
    }
    return 0;
}

static int set_default(char **field, const char *value)
{
    if (*field)
        return 0;
    *field = strdup(value);
    return *field ? 0 : -1;
}

static int post_cpu(struct dx_cpu *c)
{
    if (!c->mode)
        return set_default(&c->mode, "custom") || set_default(&c->match, "exact") ||
                       set_default(&c->check, "none") || set_default(&c->model, "qemu64") ||
                       set_default(&c->fallback, "forbid")
                   ? -1
                   : 0;
    return set_default(&c->check, strcmp(c->mode, "host-model") == 0 ? "partial" : "none");
}

static int has_input(const struct dx_def *def, const char *type, const char *bus)
{
    for (size_t i = 0; i < def->ninputs; i++)
        if (strcmp(def->inputs[i].type, type) == 0 && strcmp(def->inputs[i].bus, bus) == 0)
            return 1;
    return 0;
}

static int usb_enabled(const struct dx_def *def)
{
    for (size_t i = 0; i < def->nctrls; i++)
        if (def->ctrls[i].type == DX_CTRL_USB && def->ctrls[i].model &&
            strcmp(def->ctrls[i].model, "none") != 0)
            return 1;
    return 0;
}

/* USB inputs without an address take the free ports of bus 0 in order
 * (piix3-uhci has two). */
static int assign_usb(struct dx_def *def)
{
    int used[3] = {0};

    for (size_t i = 0; i < def->ninputs; i++) {
        const struct dx_addr *a = &def->inputs[i].addr;
        if (strcmp(def->inputs[i].bus, "usb") != 0)
            continue;
        if (!usb_enabled(def)) {
            error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU,
                         "Can't add USB input device. USB bus is disabled");
            return -1;
        }
        if (a->type == DX_ADDR_USB && a->usb_bus == 0 && strchr(a->usb_port, '.') == NULL) {
            int port = atoi(a->usb_port);
            if (port >= 1 && port <= 2)
                used[port] = 1;
        }
    }
    for (size_t i = 0; i < def->ninputs; i++) {
        struct dx_addr *a = &def->inputs[i].addr;
        if (strcmp(def->inputs[i].bus, "usb") != 0 || a->type != DX_ADDR_NONE)
            continue;
        int port = !used[1] ? 1 : !used[2] ? 2 : 0;
        if (!port) {
            error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU,
                         "No free USB ports: this driver adds no USB hub");
            return -1;
        }
        used[port] = 1;
        a->type = DX_ADDR_USB;
        a->usb_bus = 0;
        snprintf(a->usb_port, sizeof(a->usb_port), "%d", port);
    }
    return 0;
}

static int pci_reserve(struct pci_bus *bus, const struct dx_addr *a)
{
    if (a->type != DX_ADDR_PCI)
        return 0;
    if (a->domain != 0 || a->bus != 0) {
        error_report(ERR_XML_ERROR, FROM_DOMAIN,
                     "Invalid PCI address %04x:%02x:%02x.%x. Only PCI buses up to 0 are "
                     "available",
                     a->domain, a->bus, a->slot, a->function);
        return -1;
    }
    if (a->slot >= PCI_SLOTS || a->function > 7) {
        error_report(ERR_XML_ERROR, FROM_DOMAIN, "Invalid PCI address %04x:%02x:%02x.%x",
                     a->domain, a->bus, a->slot, a->function);
        return -1;
    }
    if (bus->used[a->slot] & (1u << a->function)) {
        error_report(ERR_XML_ERROR, FROM_DOMAIN,
                     "Attempted double use of PCI Address %04x:%02x:%02x.%x", a->domain,
                     a->bus, a->slot, a->function);
        return -1;
    }
    bus->used[a->slot] |= (unsigned char)(1u << a->function);
    return 0;
}

/* Gives a an address on the lowest free slot of bus 0 (or `slot` when
 * it is free), unless it has one. */
static int pci_assign(struct pci_bus *bus, struct dx_addr *a, int slot)
{
    if (a->type != DX_ADDR_NONE)
        return 0;
    if (slot < 0 || bus->used[slot])
        for (slot = 0; slot < PCI_SLOTS && bus->used[slot]; slot++)
            ;
    if (slot >= PCI_SLOTS) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU,
                     "No more available PCI slots: this driver adds no PCI bridge");
        return -1;
    }
    memset(a, 0, sizeof(*a));
    a->type = DX_ADDR_PCI;
    a->slot = (unsigned int)slot;
    bus->used[slot] = 1;
    return 0;
}

/* Does controller c sit on the PCI bus (and is it not one of the PIIX3's
 * own, which have fixed places)? */
static int ctrl_wants_pci(const struct dx_controller *c)
{
    switch (c->type) {
    case DX_CTRL_PCI:
    case DX_CTRL_FDC:
    case DX_CTRL_ISA:
    case DX_CTRL_XENBUS:
    case DX_CTRL_CCID:
        return 0;
    case DX_CTRL_IDE:
        return 0;
    case DX_CTRL_USB:
        return c->model && strcmp(c->model, "none") != 0 &&
               !(c->index == 0 && strcmp(c->model, "piix3-uhci") == 0);
    default:
        return 1;
    }
}

static int needs_pci(const struct dx_def *def)
{
    for (size_t i = 0; i < def->nctrls; i++)
        if (ctrl_wants_pci(&def->ctrls[i]) ||
            (def->ctrls[i].type == DX_CTRL_USB && def->ctrls[i].model &&
             strcmp(def->ctrls[i].model, "none") != 0))
            return 1;
    for (size_t i = 0; i < def->ndisks; i++)
        if (def->disks[i].bus == DX_BUS_VIRTIO)
            return 1;
    return def->nnets > 0 || def->nvideos > 0 || strcmp(def->balloon_model, "none") != 0;
}

static int assign_pci(struct dx_def *def)
{
    struct pci_bus bus = {{0}};

    if (!is_i440fx(def->machine)) {
        /* A Q35 machine is libvirt's too, with its PCIe topology: not
         * this driver's (qemu_validate refuses it). */
        if (strncmp(def->machine, "pc-q35-", 7) == 0 || strcmp(def->machine, "q35") == 0 ||
            !needs_pci(def))
            return 0;
        error_report(ERR_XML_ERROR, FROM_DOMAIN, "No PCI buses available");
        return -1;
    }
    /* The host bridge, then the PIIX3: ISA bridge, IDE, USB, power management. */
    bus.used[0] = 1;
    bus.used[1] = 0x0f & ~0x06;
    for (size_t i = 0; i < def->nctrls; i++)
        if (pci_reserve(&bus, &def->ctrls[i].addr) < 0)
            return -1;
    for (size_t i = 0; i < def->nctrls; i++) {
        struct dx_controller *c = &def->ctrls[i];
        int ide = c->type == DX_CTRL_IDE && c->index == 0;
        int usb = c->type == DX_CTRL_USB && c->index == 0 && c->model &&
                  strcmp(c->model, "piix3-uhci") == 0;
        if ((ide || usb) && c->addr.type == DX_ADDR_NONE) {
            c->addr.type = DX_ADDR_PCI;
            c->addr.slot = 1;
            c->addr.function = ide ? 1 : 2;
            if (pci_reserve(&bus, &c->addr) < 0)
                return -1;
        }
    }
    bus.used[1] |= 0x0f;
    for (size_t i = 0; i < def->ndisks; i++)
        if (pci_reserve(&bus, &def->disks[i].addr) < 0)
            return -1;
    for (size_t i = 0; i < def->nnets; i++)
        if (pci_reserve(&bus, &def->nets[i].addr) < 0)
            return -1;
    for (size_t i = 0; i < def->nvideos; i++)
        if (pci_reserve(&bus, &def->videos[i].addr) < 0)
            return -1;
    if (pci_reserve(&bus, &def->balloon_addr) < 0)
        return -1;

    if (def->nvideos > 0 && pci_assign(&bus, &def->videos[0].addr, 2) < 0)
        return -1;
    for (size_t i = 0; i < def->nctrls; i++)
        if (ctrl_wants_pci(&def->ctrls[i]) && pci_assign(&bus, &def->ctrls[i].addr, -1) < 0)
            return -1;
    for (size_t i = 0; i < def->nnets; i++)
        if (pci_assign(&bus, &def->nets[i].addr, -1) < 0)
            return -1;
    for (size_t i = 0; i < def->ndisks; i++)
        if (def->disks[i].bus == DX_BUS_VIRTIO && pci_assign(&bus, &def->disks[i].addr, -1) < 0)
            return -1;
    if (strcmp(def->balloon_model, "virtio") == 0 &&
        pci_assign(&bus, &def->balloon_addr, -1) < 0)
        return -1;
    for (size_t i = 1; i < def->nvideos; i++)
        if (pci_assign(&bus, &def->videos[i].addr, -1) < 0)
            return -1;
    return 0;
}

int dxq_post_parse(struct dx_def *def)
{
    if (post_cpu(&def->cpu) < 0)
        goto nomem;
    for (size_t i = 0; i < def->ndisks; i++) {
        struct dx_disk *d = &def->disks[i];
        if (set_default(&d->drv_name, "qemu") < 0)
            goto nomem;
        if ((strcmp(d->type, "file") == 0 || strcmp(d->type, "block") == 0) &&
            set_default(&d->drv_type, "raw") < 0)
            goto nomem;
        if (strcmp(d->device, "cdrom") == 0)
            d->readonly = 1;
    }
    for (size_t i = 0; i < def->nnets; i++)
        if (set_default(&def->nets[i].model, "rtl8139") < 0)
            goto nomem;
    for (size_t i = 0; i < def->nserials; i++) {
        struct dx_chr *s = &def->serials[i];
        if (set_default(&s->target_type, "isa-serial") < 0)
            goto nomem;
        if (strcmp(s->target_type, "isa-serial") == 0 &&
            set_default(&s->target_model, "isa-serial") < 0)
            goto nomem;
    }
    if (!has_input(def, "mouse", "ps2") && dx_add_input(def, "mouse", "ps2") < 0)
        goto nomem;
    if (!has_input(def, "keyboard", "ps2") && dx_add_input(def, "keyboard", "ps2") < 0)
        goto nomem;
    if (def->naudios == 0) {
        def->audios = calloc(1, sizeof(*def->audios));
        if (!def->audios || !(def->audios[0].type = strdup("none")))
            goto nomem;
        def->audios[0].id = 1;
        def->naudios = 1;
    }
    if (assign_usb(def) < 0 || assign_pci(def) < 0)
        return -1;
    return 0;
nomem:
    error_report(ERR_NO_MEMORY, FROM_DOMAIN, NULL);
    return -1;
}

char *dx_alias(const struct dx_def *def, int kind, size_t i, char *buf, size_t len)
{
    switch (kind) {
    case DX_DEV_DISK: {
        const struct dx_disk *d = &def->disks[i];
        const struct dx_addr *a = &d->addr;
        switch (d->bus) {
        case DX_BUS_IDE:
        case DX_BUS_SATA:
            snprintf(buf, len, "%s%u-%u-%u", dx_bus_names[d->bus], a->controller, a->dbus,
                     a->unit);
            break;
        case DX_BUS_SCSI:
            snprintf(buf, len, "scsi%u-%u-%u-%u", a->controller, a->dbus, a->target, a->unit);
            break;
        case DX_BUS_FDC:
            snprintf(buf, len, "fdc0-0-%u", a->unit);
            break;
        default:
            snprintf(buf, len, "%s-disk%d", dx_bus_names[d->bus], dx_disk_name_index(d->dst));
        }
        break;
    }
    case DX_DEV_CONTROLLER: {
        const struct dx_controller *c = &def->ctrls[i];
        if (c->type == DX_CTRL_PCI)
            snprintf(buf, len, "%s.%d",
                     c->model && strcmp(c->model, "pcie-root") == 0 ? "pcie" : "pci", c->index);
        else if ((c->type == DX_CTRL_IDE || c->type == DX_CTRL_USB) && c->index == 0)
            snprintf(buf, len, "%s", dx_ctrl_names[c->type]);
        else
            snprintf(buf, len, "%s%d", dx_ctrl_names[c->type], c->index);
        break;
    }
    case DX_DEV_NET:
        snprintf(buf, len, "net%zu", i);
        break;
    case DX_DEV_SERIAL:
        snprintf(buf, len, "serial%zu", i);
        break;
    case DX_DEV_CONSOLE: {
        const struct dx_chr *c = &def->consoles[i];
        /* A serial console is the serial it mirrors. */
        if (!c->target_type || strcmp(c->target_type, "serial") == 0)
            for (size_t s = 0; s < def->nserials; s++)
                if (def->serials[s].port == c->port) {
                    snprintf(buf, len, "serial%zu", s);
                    return buf;
                }
        snprintf(buf, len, "console%zu", i);
        break;
    }
    case DX_DEV_INPUT:
        snprintf(buf, len, "input%zu", i);
        break;
    case DX_DEV_VIDEO:
        snprintf(buf, len, "video%zu", i);
        break;
    default:
        snprintf(buf, len, "balloon0");
    }
    return buf;
}
