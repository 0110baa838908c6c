/* The guest operations whose arguments libvirtd checks before the driver
 * sees them (rpc/procedures.txt SERVER op), as dispatch.c's are. */
#include "dispatch-handlers.h"
#include "dispatch-table.h"
#include "error.h"

#define INTERFACE_ADDRESSES_SRC_AGENT 1

int h_domain_interface_addresses(struct session *s, void *argsp, void *ret)
{
    const remote_domain_interface_addresses_args *args = argsp;

    /* Asking the guest agent is a write as far as libvirt is concerned;
     * the DHCP leases and the ARP table are not. */
    if (session_read_only(s) && args->source == INTERFACE_ADDRESSES_SRC_AGENT) {
        error_report(ERR_OPERATION_DENIED, FROM_DOMAIN, "read only access prevents %s",
                     "virDomainInterfaceAddresses");
        return -1;
    }
    return DRIVER_CALL(s, domain, domain_interface_addresses,
                       REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES, args, ret);
}
