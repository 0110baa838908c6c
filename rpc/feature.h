/* feature: the numbers virConnectSupportsFeature asks about (libvirt's
 * VIR_DRV_FEATURE_*, src/libvirt_internal.h; not part of the .x files), in
 * one place for the client, which probes them, and the daemon, which
 * answers them. Only the ones either end uses are here. */
#ifndef RPC_FEATURE_H
#define RPC_FEATURE_H

enum feature {
    FEATURE_TYPED_PARAM_STRING = 9,
    FEATURE_PROGRAM_KEEPALIVE = 10,
    FEATURE_REMOTE_EVENT_CALLBACK = 14,
    FEATURE_REMOTE_CLOSE_CALLBACK = 15,
    FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER = 16,
};

#endif
