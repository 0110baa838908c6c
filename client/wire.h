/* wire: the generated remote protocol types for client code. libvirt.h and
 * rpcgen both define VIR_UUID_BUFLEN (as "(16)" and "16"); drop ours before
 * the generated header defines its own, equal, value. */
#ifndef CLIENT_WIRE_H
#define CLIENT_WIRE_H

#undef VIR_UUID_BUFLEN
#include "remote_protocol.h"

#endif
