/* Uses only the public libvirt API and prints what it learns, in a form
 * that does not depend on the library: built against this project's
 * libvirt.so and against Debian's libvirt-dev, run against either daemon,
 * the output must be identical. Usage: api-check URI */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static int lifecycle_events[2];

/* Two callbacks on the same event of one connection: each sees every
 * event, in the order they were registered (libvirtd holds one
 * registration for both). */
static void lifecycle(int which, virDomainPtr dom, int event, int detail)
{
    printf("event%s lifecycle %s %d %d\n", which ? "2" : "", virDomainGetName(dom), event,
           detail);
    lifecycle_events[which]++;
}

static int on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    (void)conn;
    (void)opaque;
    lifecycle(0, dom, event, detail);
    return 0;
}

static int on_lifecycle2(virConnectPtr conn, virDomainPtr dom, int event, int detail,
                         void *opaque)
{
    (void)conn;
    (void)opaque;
    lifecycle(1, dom, event, detail);
    return 0;
}

/* Bounds each virEventRunDefaultImpl round to 100 ms. */
static void on_tick(int timer, void *opaque)
{
    (void)timer;
    (void)opaque;
}

static void print_error(const char *what)
{
    virErrorPtr e = virGetLastError();

    printf("%s failed: code=%d domain=%d level=%d message=%s\n", what, e ? e->code : -1,
           e ? e->domain : -1, e ? (int)e->level : -1,
           e && e->message ? e->message : "(none)");
}

static void quiet(void *data, virErrorPtr err)
{
    (void)data;
    (void)err;
}

static void show_domain(virDomainPtr dom)
{
    virDomainInfo info;
    char uuid[VIR_UUID_STRING_BUFLEN];
    int state, reason, autostart = -1;
    char *os;

    virDomainGetUUIDString(dom, uuid);
    printf("domain %s id=%d uuid=%s", virDomainGetName(dom), (int)virDomainGetID(dom), uuid);
    if (virDomainGetInfo(dom, &info) == 0)
        printf(" state=%d maxmem=%lu mem=%lu vcpus=%d", info.state, info.maxMem, info.memory,
               info.nrVirtCpu);
    if (virDomainGetState(dom, &state, &reason, 0) == 0)
        printf(" getstate=%d/%d", state, reason);
    os = virDomainGetOSType(dom);
    printf(" os=%s", os ? os : "?");
    free(os);
    virDomainGetAutostart(dom, &autostart);
    printf(" active=%d persistent=%d autostart=%d maxmem2=%lu\n", virDomainIsActive(dom),
           virDomainIsPersistent(dom), autostart, virDomainGetMaxMemory(dom));
}

static int net_events;

static void on_net_lifecycle(virConnectPtr conn, virNetworkPtr net, int event, int detail,
                             void *opaque)
{
    (void)conn;
    (void)opaque;
    printf("network event %s %d %d\n", virNetworkGetName(net), event, detail);
    net_events++;
}

static void show_network(virNetworkPtr net)
{
    char uuid[VIR_UUID_STRING_BUFLEN], *bridge;
    int autostart = -1;

    virNetworkGetUUIDString(net, uuid);
    virNetworkGetAutostart(net, &autostart);
    printf("network %s %s active=%d persistent=%d autostart=%d\n", virNetworkGetName(net), uuid,
           virNetworkIsActive(net), virNetworkIsPersistent(net), autostart);
    if ((bridge = virNetworkGetBridgeName(net)))
        printf("  bridge %s\n", bridge);
    else
        print_error("virNetworkGetBridgeName");
    free(bridge);
}

/* The network API: lists, lookups, changes, update, events, and the
 * leases and ports the test driver does not have. */
static void check_networks(virConnectPtr conn)
{
    static const char xml[] =
        "<network><name>apicheck-net</name>"
        "<uuid>4c6d8e0f-2a3b-4c5d-8e9f-0a1b2c3d4e5f</uuid><forward mode='nat'/>"
        "<bridge name='virbr77'/><ip address='10.77.0.1' prefix='24'/></network>";
    virNetworkPtr net, *nets = NULL;
    virNetworkDHCPLeasePtr *leases = NULL;
    virNetworkPortPtr *ports = NULL;
    char *names[16], *s;
    int n, cb;

    printf("networks active %d defined %d\n", virConnectNumOfNetworks(conn),
           virConnectNumOfDefinedNetworks(conn));
    n = virConnectListNetworks(conn, names, 16);
    for (int i = 0; i < n; i++) {
        printf("active network %s\n", names[i]);
        free(names[i]);
    }
    n = virConnectListAllNetworks(conn, &nets, 0);
    for (int i = 0; i < n; i++) {
        show_network(nets[i]);
        virNetworkFree(nets[i]);
    }
    free(nets);
    if (virConnectListAllNetworks(conn, NULL, 1u << 10) < 0)
        print_error("virConnectListAllNetworks (bad flag)");
    if (!virNetworkLookupByName(conn, "nosuch"))
        print_error("virNetworkLookupByName");
    if (!virNetworkLookupByUUIDString(conn, "not-a-uuid"))
        print_error("virNetworkLookupByUUIDString");

    cb = virConnectNetworkEventRegisterAny(conn, NULL, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                           VIR_NETWORK_EVENT_CALLBACK(on_net_lifecycle), NULL,
                                           NULL);
    if (cb < 0)
        print_error("virConnectNetworkEventRegisterAny");
    if (!(net = virNetworkDefineXML(conn, xml))) {
        print_error("virNetworkDefineXML");
        return;
    }
    show_network(net);
    if (virNetworkCreate(net) < 0)
        print_error("virNetworkCreate");
    if (virNetworkCreate(net) < 0)
        print_error("virNetworkCreate again");
    if (virNetworkSetAutostart(net, 1) < 0)
        print_error("virNetworkSetAutostart");
    if (virNetworkUpdate(net, VIR_NETWORK_UPDATE_COMMAND_ADD_LAST, VIR_NETWORK_SECTION_DNS_TXT, -1,
                         "<txt name='a' value='b'/>", VIR_NETWORK_UPDATE_AFFECT_LIVE) < 0)
        print_error("virNetworkUpdate");
    if ((s = virNetworkGetXMLDesc(net, 0)))
        printf("%s", s);
    free(s);
    if (!virNetworkGetXMLDesc(net, VIR_NETWORK_XML_INACTIVE))
        print_error("virNetworkGetXMLDesc (inactive)");
    virNetworkFree(net);
    if (!(net = virNetworkLookupByUUIDString(conn, "4c6d8e0f-2a3b-4c5d-8e9f-0a1b2c3d4e5f")))
        print_error("virNetworkLookupByUUIDString");
    else
        show_network(net);
    if (net && virNetworkGetDHCPLeases(net, NULL, &leases, 0) < 0)
        print_error("virNetworkGetDHCPLeases");
    if (net && virNetworkListAllPorts(net, &ports, 0) < 0)
        print_error("virNetworkListAllPorts");
    if (net && virNetworkUndefine(net) < 0)
        print_error("virNetworkUndefine (running)");
    if (net && virNetworkDestroy(net) < 0)
        print_error("virNetworkDestroy");
    if (net && virNetworkUndefine(net) < 0)
        print_error("virNetworkUndefine");
    if (net)
        virNetworkFree(net);
    /* defined, started, stopped, undefined */
    for (int i = 0; i < 50 && net_events < 4; i++)
        virEventRunDefaultImpl();
    printf("network events %d\n", net_events);
    if (cb >= 0 && virConnectNetworkEventDeregisterAny(conn, cb) < 0)
        print_error("virConnectNetworkEventDeregisterAny");
}

/* Node devices and host interfaces: lists, lookups, XML, parents and
 * capabilities, a vHBA created and destroyed, an interface defined,
 * started and undefined inside a change transaction rolled back. */
static void check_nodedev(virConnectPtr conn)
{
    static const char vhba[] =
        "<device><parent>scsi_host1</parent><capability type='scsi_host'>"
        "<capability type='fc_host'><wwnn>2000000012345678</wwnn>"
        "<wwpn>1000000012345678</wwpn></capability></capability></device>";
    static const char eth[] = "<interface type='ethernet' name='apicheck0'>"
                              "<mac address='52:54:00:aa:bb:cc'/></interface>";
    virNodeDevicePtr *devs = NULL, dev;
    virInterfacePtr *ifaces = NULL, iface;
    char *names[16], *s;
    int n;

    printf("devices %d fc_host %d\n", virNodeNumOfDevices(conn, NULL, 0),
           virNodeNumOfDevices(conn, "fc_host", 0));
    n = virNodeListDevices(conn, "scsi_host", names, 16, 0);
    for (int i = 0; i < n; i++) {
        printf("scsi_host %s\n", names[i]);
        free(names[i]);
    }
    n = virConnectListAllNodeDevices(conn, &devs, VIR_CONNECT_LIST_NODE_DEVICES_CAP_VPORTS);
    for (int i = 0; i < n; i++) {
        const char *parent = virNodeDeviceGetParent(devs[i]);
        printf("vports %s parent %s caps %d\n", virNodeDeviceGetName(devs[i]),
               parent ? parent : "(none)", virNodeDeviceNumOfCaps(devs[i]));
        virNodeDeviceFree(devs[i]);
    }
    free(devs);
    if (virConnectListAllNodeDevices(conn, NULL, VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE) < 0)
        print_error("virConnectListAllNodeDevices (active)");
    if (!virNodeDeviceLookupByName(conn, "nosuch"))
        print_error("virNodeDeviceLookupByName");
    dev = virNodeDeviceLookupByName(conn, "computer");
    if (dev) {
        s = virNodeDeviceGetXMLDesc(dev, 0);
        printf("computer xml %zu bytes\n", s ? strlen(s) : 0);
        free(s);
        n = virNodeDeviceListCaps(dev, names, 16);
        for (int i = 0; i < n; i++) {
            printf("computer cap %s\n", names[i]);
            free(names[i]);
        }
        if (virNodeDeviceDettach(dev) < 0)
            print_error("virNodeDeviceDettach");
        virNodeDeviceFree(dev);
    }
    dev = virNodeDeviceCreateXML(conn, vhba, 0);
    if (!dev) {
        print_error("virNodeDeviceCreateXML");
    } else {
        printf("created %s\n", virNodeDeviceGetName(dev));
        if (virNodeDeviceDestroy(dev) < 0)
            print_error("virNodeDeviceDestroy");
        virNodeDeviceFree(dev);
    }

    printf("interfaces %d defined %d\n", virConnectNumOfInterfaces(conn),
           virConnectNumOfDefinedInterfaces(conn));
    if (!virInterfaceLookupByName(conn, "nosuch"))
        print_error("virInterfaceLookupByName");
    if (virInterfaceChangeBegin(conn, 0) < 0)
        print_error("virInterfaceChangeBegin");
    iface = virInterfaceDefineXML(conn, eth, 0);
    if (!iface) {
        print_error("virInterfaceDefineXML");
    } else {
        if (virInterfaceCreate(iface, 0) < 0)
            print_error("virInterfaceCreate");
        if (virInterfaceCreate(iface, 0) < 0)
            print_error("virInterfaceCreate again");
        virInterfaceFree(iface);
    }
    iface = virInterfaceLookupByMACString(conn, "52:54:00:AA:BB:CC");
    if (iface) {
        s = virInterfaceGetXMLDesc(iface, 0);
        printf("by mac %s %s active %d xml %zu bytes\n", virInterfaceGetName(iface),
               virInterfaceGetMACString(iface), virInterfaceIsActive(iface), s ? strlen(s) : 0);
        free(s);
        virInterfaceFree(iface);
    }
    if (virInterfaceChangeRollback(conn, 0) < 0)
        print_error("virInterfaceChangeRollback");
    n = virConnectListAllInterfaces(conn, &ifaces, 0);
    for (int i = 0; i < n; i++) {
        printf("interface %s %s active %d\n", virInterfaceGetName(ifaces[i]),
               virInterfaceGetMACString(ifaces[i]), virInterfaceIsActive(ifaces[i]));
        virInterfaceFree(ifaces[i]);
    }
    free(ifaces);
    n = virConnectListDefinedInterfaces(conn, names, 16);
    for (int i = 0; i < n; i++) {
        printf("defined interface %s\n", names[i]);
        free(names[i]);
    }
    if (virInterfaceChangeCommit(conn, 0) < 0)
        print_error("virInterfaceChangeCommit");
}

/* Storage pool and node device events: which registration saw what. */
static int object_events;

static void on_pool_lifecycle(virConnectPtr conn, virStoragePoolPtr pool, int event, int detail,
                              void *opaque)
{
    (void)conn;
    printf("pool event %s: lifecycle %s %d %d\n", (const char *)opaque,
           virStoragePoolGetName(pool), event, detail);
    object_events++;
}

static void on_pool_refresh(virConnectPtr conn, virStoragePoolPtr pool, void *opaque)
{
    (void)conn;
    printf("pool event %s: refresh %s\n", (const char *)opaque, virStoragePoolGetName(pool));
    object_events++;
}

static void on_nodedev_lifecycle(virConnectPtr conn, virNodeDevicePtr dev, int event, int detail,
                                 void *opaque)
{
    (void)conn;
    printf("nodedev event %s: lifecycle %s %d %d\n", (const char *)opaque,
           virNodeDeviceGetName(dev), event, detail);
    object_events++;
}

static void on_nodedev_update(virConnectPtr conn, virNodeDevicePtr dev, void *opaque)
{
    (void)conn;
    printf("nodedev event %s: update %s\n", (const char *)opaque, virNodeDeviceGetName(dev));
    object_events++;
}

/* Runs the event loop until `want` more object events came, 5 s at most. */
static void wait_object_events(int want)
{
    int tick = virEventAddTimeout(100, on_tick, NULL, NULL);

    for (int i = 0; i < 50 && object_events < want; i++)
        virEventRunDefaultImpl();
    virEventRemoveTimeout(tick);
}

/* Storage pool events: every pool's lifecycle and refresh, and refresh
 * filtered to default-pool; a pool defined, started, refreshed, stopped
 * and undefined; registrations the library refuses; deregistration. */
static void check_pool_events(virConnectPtr conn)
{
    static const char xml[] = "<pool type='dir'><name>apicheck-pool</name>"
                              "<target><path>/apicheck-pool</path></target></pool>";
    virStoragePoolPtr pool, def = virStoragePoolLookupByName(conn, "default-pool");
    int all, refresh, filtered;

    object_events = 0;
    all = virConnectStoragePoolEventRegisterAny(
        conn, NULL, VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
        VIR_STORAGE_POOL_EVENT_CALLBACK(on_pool_lifecycle), "all", NULL);
    if (all < 0)
        print_error("virConnectStoragePoolEventRegisterAny (lifecycle)");
    refresh = virConnectStoragePoolEventRegisterAny(
        conn, NULL, VIR_STORAGE_POOL_EVENT_ID_REFRESH,
        VIR_STORAGE_POOL_EVENT_CALLBACK(on_pool_refresh), "all", NULL);
    if (refresh < 0)
        print_error("virConnectStoragePoolEventRegisterAny (refresh)");
    if (!def)
        print_error("virStoragePoolLookupByName (default-pool)");
    filtered = virConnectStoragePoolEventRegisterAny(
        conn, def, VIR_STORAGE_POOL_EVENT_ID_REFRESH,
        VIR_STORAGE_POOL_EVENT_CALLBACK(on_pool_refresh), "default-pool", NULL);
    if (filtered < 0)
        print_error("virConnectStoragePoolEventRegisterAny (filtered)");
    if (virConnectStoragePoolEventRegisterAny(conn, NULL, 99,
                                              VIR_STORAGE_POOL_EVENT_CALLBACK(on_pool_refresh),
                                              "bad", NULL) < 0)
        print_error("virConnectStoragePoolEventRegisterAny (event id 99)");
    if (virConnectStoragePoolEventRegisterAny(NULL, NULL, VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                                              VIR_STORAGE_POOL_EVENT_CALLBACK(on_pool_refresh),
                                              "bad", NULL) < 0)
        print_error("virConnectStoragePoolEventRegisterAny (no connection)");

    if (!(pool = virStoragePoolDefineXML(conn, xml, 0))) {
        print_error("virStoragePoolDefineXML");
    } else {
        if (virStoragePoolCreate(pool, 0) < 0)
            print_error("virStoragePoolCreate");
        if (virStoragePoolRefresh(pool, 0) < 0)
            print_error("virStoragePoolRefresh");
        if (def && virStoragePoolRefresh(def, 0) < 0)
            print_error("virStoragePoolRefresh (default-pool)");
        if (virStoragePoolDestroy(pool) < 0)
            print_error("virStoragePoolDestroy");
        if (virStoragePoolUndefine(pool) < 0)
            print_error("virStoragePoolUndefine");
        virStoragePoolFree(pool);
    }
    /* defined, started, refresh, refresh twice (default-pool), stopped,
     * undefined */
    wait_object_events(7);
    printf("pool events %d\n", object_events);
    if (filtered >= 0 && virConnectStoragePoolEventDeregisterAny(conn, filtered) < 0)
        print_error("virConnectStoragePoolEventDeregisterAny (filtered)");
    if (filtered >= 0 && virConnectStoragePoolEventDeregisterAny(conn, filtered) < 0)
        print_error("virConnectStoragePoolEventDeregisterAny (filtered, again)");
    /* Only the unfiltered registrations see this refresh. */
    if (def && virStoragePoolRefresh(def, 0) < 0)
        print_error("virStoragePoolRefresh (default-pool, again)");
    wait_object_events(8);
    printf("pool events %d\n", object_events);
    if (all >= 0 && virConnectStoragePoolEventDeregisterAny(conn, all) < 0)
        print_error("virConnectStoragePoolEventDeregisterAny (lifecycle)");
    if (refresh >= 0 && virConnectStoragePoolEventDeregisterAny(conn, refresh) < 0)
        print_error("virConnectStoragePoolEventDeregisterAny (refresh)");
    if (virConnectStoragePoolEventDeregisterAny(conn, 12345) < 0)
        print_error("virConnectStoragePoolEventDeregisterAny (unknown id)");
    if (def)
        virStoragePoolFree(def);
}

/* Node device events: every device's lifecycle and update, lifecycle
 * filtered to scsi_host1 (the vHBA's parent, which sees none); a vHBA
 * created and destroyed; refused registrations; deregistration. */
static void check_nodedev_events(virConnectPtr conn)
{
    static const char vhba[] =
        "<device><parent>scsi_host1</parent><capability type='scsi_host'>"
        "<capability type='fc_host'><wwnn>2000000012345679</wwnn>"
        "<wwpn>1000000012345679</wwpn></capability></capability></device>";
    virNodeDevicePtr dev, parent = virNodeDeviceLookupByName(conn, "scsi_host1");
    int all, update, filtered;

    object_events = 0;
    all = virConnectNodeDeviceEventRegisterAny(
        conn, NULL, VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE,
        VIR_NODE_DEVICE_EVENT_CALLBACK(on_nodedev_lifecycle), "all", NULL);
    if (all < 0)
        print_error("virConnectNodeDeviceEventRegisterAny (lifecycle)");
    update = virConnectNodeDeviceEventRegisterAny(
        conn, NULL, VIR_NODE_DEVICE_EVENT_ID_UPDATE,
        VIR_NODE_DEVICE_EVENT_CALLBACK(on_nodedev_update), "all", NULL);
    if (update < 0)
        print_error("virConnectNodeDeviceEventRegisterAny (update)");
    if (!parent)
        print_error("virNodeDeviceLookupByName (scsi_host1)");
    filtered = virConnectNodeDeviceEventRegisterAny(
        conn, parent, VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE,
        VIR_NODE_DEVICE_EVENT_CALLBACK(on_nodedev_lifecycle), "scsi_host1", NULL);
    if (filtered < 0)
        print_error("virConnectNodeDeviceEventRegisterAny (filtered)");
    if (virConnectNodeDeviceEventRegisterAny(conn, NULL, 99,
                                             VIR_NODE_DEVICE_EVENT_CALLBACK(on_nodedev_update),
                                             "bad", NULL) < 0)
        print_error("virConnectNodeDeviceEventRegisterAny (event id 99)");
    if (virConnectNodeDeviceEventRegisterAny(conn, NULL, VIR_NODE_DEVICE_EVENT_ID_UPDATE, NULL,
                                             "bad", NULL) < 0)
        print_error("virConnectNodeDeviceEventRegisterAny (no callback)");

    if (!(dev = virNodeDeviceCreateXML(conn, vhba, 0))) {
        print_error("virNodeDeviceCreateXML");
    } else {
        if (virNodeDeviceDestroy(dev) < 0)
            print_error("virNodeDeviceDestroy");
        virNodeDeviceFree(dev);
    }
    /* created, deleted */
    wait_object_events(2);
    printf("nodedev events %d\n", object_events);
    if (all >= 0 && virConnectNodeDeviceEventDeregisterAny(conn, all) < 0)
        print_error("virConnectNodeDeviceEventDeregisterAny (lifecycle)");
    if (all >= 0 && virConnectNodeDeviceEventDeregisterAny(conn, all) < 0)
        print_error("virConnectNodeDeviceEventDeregisterAny (lifecycle, again)");
    if (update >= 0 && virConnectNodeDeviceEventDeregisterAny(conn, update) < 0)
        print_error("virConnectNodeDeviceEventDeregisterAny (update)");
    if (filtered >= 0 && virConnectNodeDeviceEventDeregisterAny(conn, filtered) < 0)
        print_error("virConnectNodeDeviceEventDeregisterAny (filtered)");
    if (parent)
        virNodeDeviceFree(parent);
}

/* What the four kinds of event registration refuse, and in which error
 * domain: an eventID out of range either way, no callback, no connection,
 * and deregistering an id never given. */
static void check_event_errors(virConnectPtr conn)
{
    virConnectDomainEventGenericCallback dcb = VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle);
    virConnectNetworkEventGenericCallback ncb = VIR_NETWORK_EVENT_CALLBACK(on_net_lifecycle);
    virConnectStoragePoolEventGenericCallback pcb = VIR_STORAGE_POOL_EVENT_CALLBACK(on_pool_refresh);
    virConnectNodeDeviceEventGenericCallback ndcb =
        VIR_NODE_DEVICE_EVENT_CALLBACK(on_nodedev_update);
    static const int ids[] = {-1, 99};

    for (size_t i = 0; i < 2; i++) {
        printf("event id %d\n", ids[i]);
        if (virConnectDomainEventRegisterAny(conn, NULL, ids[i], dcb, NULL, NULL) < 0)
            print_error("virConnectDomainEventRegisterAny");
        if (virConnectNetworkEventRegisterAny(conn, NULL, ids[i], ncb, NULL, NULL) < 0)
            print_error("virConnectNetworkEventRegisterAny");
        if (virConnectStoragePoolEventRegisterAny(conn, NULL, ids[i], pcb, "bad", NULL) < 0)
            print_error("virConnectStoragePoolEventRegisterAny");
        if (virConnectNodeDeviceEventRegisterAny(conn, NULL, ids[i], ndcb, "bad", NULL) < 0)
            print_error("virConnectNodeDeviceEventRegisterAny");
    }
    printf("no callback\n");
    if (virConnectDomainEventRegisterAny(conn, NULL, 0, NULL, NULL, NULL) < 0)
        print_error("virConnectDomainEventRegisterAny");
    if (virConnectNetworkEventRegisterAny(conn, NULL, 0, NULL, NULL, NULL) < 0)
        print_error("virConnectNetworkEventRegisterAny");
    if (virConnectStoragePoolEventRegisterAny(conn, NULL, 0, NULL, NULL, NULL) < 0)
        print_error("virConnectStoragePoolEventRegisterAny");
    if (virConnectNodeDeviceEventRegisterAny(conn, NULL, 0, NULL, NULL, NULL) < 0)
        print_error("virConnectNodeDeviceEventRegisterAny");
    printf("no connection\n");
    if (virConnectDomainEventRegisterAny(NULL, NULL, 0, dcb, NULL, NULL) < 0)
        print_error("virConnectDomainEventRegisterAny");
    if (virConnectNetworkEventRegisterAny(NULL, NULL, 0, ncb, NULL, NULL) < 0)
        print_error("virConnectNetworkEventRegisterAny");
    if (virConnectStoragePoolEventDeregisterAny(NULL, 1) < 0)
        print_error("virConnectStoragePoolEventDeregisterAny");
    if (virConnectNodeDeviceEventDeregisterAny(NULL, 1) < 0)
        print_error("virConnectNodeDeviceEventDeregisterAny");
    printf("unknown callback id\n");
    if (virConnectDomainEventDeregisterAny(conn, 777) < 0)
        print_error("virConnectDomainEventDeregisterAny");
    if (virConnectNetworkEventDeregisterAny(conn, 777) < 0)
        print_error("virConnectNetworkEventDeregisterAny");
    if (virConnectStoragePoolEventDeregisterAny(conn, 777) < 0)
        print_error("virConnectStoragePoolEventDeregisterAny");
    if (virConnectNodeDeviceEventDeregisterAny(conn, 777) < 0)
        print_error("virConnectNodeDeviceEventDeregisterAny");
}

/* Snapshots and checkpoints of test:///default's "test": handles, their
 * names, domain and connection, references, lists, the tree, errors. */
static void show_snapshots(virConnectPtr conn)
{
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    virDomainSnapshotPtr s1, s2, cur, parent, *list = NULL;
    virDomainCheckpointPtr c1, c2, cp, *cps = NULL;
    char *names[8], *xml;
    int n;

    if (!dom) {
        print_error("virDomainLookupByName test");
        return;
    }
    printf("snapshots %d current %d\n", virDomainSnapshotNum(dom, 0),
           virDomainHasCurrentSnapshot(dom, 0));
    if (!virDomainSnapshotCurrent(dom, 0))
        print_error("virDomainSnapshotCurrent");
    s1 = virDomainSnapshotCreateXML(dom, "<domainsnapshot><name>api1</name></domainsnapshot>", 0);
    s2 = virDomainSnapshotCreateXML(dom, "<domainsnapshot><name>api2</name></domainsnapshot>", 0);
    if (!s1 || !s2) {
        print_error("virDomainSnapshotCreateXML");
        goto out;
    }
    printf("snapshot %s of %s on %s\n", virDomainSnapshotGetName(s1),
           virDomainGetName(virDomainSnapshotGetDomain(s1)),
           virDomainSnapshotGetConnect(s1) == conn ? "conn" : "another connection");
    if (virDomainSnapshotRef(s1) < 0 || virDomainSnapshotFree(s1) < 0)
        print_error("virDomainSnapshotRef/Free");
    if (!virDomainSnapshotCreateXML(dom, "<domainsnapshot><name>api1</name></domainsnapshot>", 0))
        print_error("virDomainSnapshotCreateXML (a name taken)");
    n = virDomainSnapshotListNames(dom, names, 8, 0);
    printf("names %d\n", n);
    for (int i = 0; i < n; i++)
        free(names[i]);
    n = virDomainListAllSnapshots(dom, &list, VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL);
    for (int i = 0; i < n; i++) {
        printf("listed %s current=%d metadata=%d children=%d\n",
               virDomainSnapshotGetName(list[i]), virDomainSnapshotIsCurrent(list[i], 0),
               virDomainSnapshotHasMetadata(list[i], 0), virDomainSnapshotNumChildren(list[i], 0));
        virDomainSnapshotFree(list[i]);
    }
    free(list);
    printf("count only %d\n", virDomainListAllSnapshots(dom, NULL, 0));
    parent = virDomainSnapshotGetParent(s2, 0);
    printf("parent %s\n", parent ? virDomainSnapshotGetName(parent) : "?");
    if (parent)
        virDomainSnapshotFree(parent);
    if (!virDomainSnapshotGetParent(s1, 0))
        print_error("virDomainSnapshotGetParent (a root)");
    cur = virDomainSnapshotCurrent(dom, 0);
    printf("current %s\n", cur ? virDomainSnapshotGetName(cur) : "?");
    if (cur)
        virDomainSnapshotFree(cur);
    n = virDomainSnapshotListChildrenNames(s1, names, 8, VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS);
    for (int i = 0; i < n; i++) {
        printf("child %s\n", names[i]);
        free(names[i]);
    }
    n = virDomainSnapshotListAllChildren(s1, &list, 0);
    for (int i = 0; i < n; i++)
        virDomainSnapshotFree(list[i]);
    free(list);
    printf("children %d\n", n);
    xml = virDomainSnapshotGetXMLDesc(s2, 0);
    printf("xml has domain %d\n", xml && strstr(xml, "<domain type='test'>") != NULL);
    free(xml);
    if (!virDomainSnapshotLookupByName(dom, "nosuch", 0))
        print_error("virDomainSnapshotLookupByName");
    if (virDomainRevertToSnapshot(s1, VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING |
                                          VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED) < 0)
        print_error("virDomainRevertToSnapshot (running and paused)");
    if (virDomainSnapshotDelete(s1, VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN |
                                        VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY) < 0)
        print_error("virDomainSnapshotDelete (children and children only)");
    if (!virDomainCheckpointCreateXML(dom, "<domaincheckpoint/>", 0))
        print_error("virDomainCheckpointCreateXML (with snapshots)");
    if (virDomainSnapshotDelete(s1, VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN) < 0)
        print_error("virDomainSnapshotDelete");
    printf("snapshots after delete %d\n", virDomainSnapshotNum(dom, 0));

    c1 = virDomainCheckpointCreateXML(dom, "<domaincheckpoint><name>cp1</name></domaincheckpoint>",
                                      0);
    c2 = virDomainCheckpointCreateXML(dom, "<domaincheckpoint><name>cp2</name></domaincheckpoint>",
                                      0);
    if (!c1 || !c2) {
        print_error("virDomainCheckpointCreateXML");
    } else {
        printf("checkpoint %s of %s on %s\n", virDomainCheckpointGetName(c2),
               virDomainGetName(virDomainCheckpointGetDomain(c2)),
               virDomainCheckpointGetConnect(c2) == conn ? "conn" : "another connection");
        cp = virDomainCheckpointGetParent(c2, 0);
        printf("checkpoint parent %s\n", cp ? virDomainCheckpointGetName(cp) : "?");
        if (cp)
            virDomainCheckpointFree(cp);
        n = virDomainListAllCheckpoints(dom, &cps, VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL);
        for (int i = 0; i < n; i++) {
            printf("checkpoint listed %s\n", virDomainCheckpointGetName(cps[i]));
            virDomainCheckpointFree(cps[i]);
        }
        free(cps);
        printf("checkpoint children %d\n", virDomainCheckpointListAllChildren(c1, NULL, 0));
        xml = virDomainCheckpointGetXMLDesc(c2, VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN);
        printf("checkpoint xml has domain %d\n", xml && strstr(xml, "<domain ") != NULL);
        free(xml);
        if (!virDomainCheckpointLookupByName(dom, "nosuch", 0))
            print_error("virDomainCheckpointLookupByName");
        if (virDomainCheckpointDelete(c1, VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN) < 0)
            print_error("virDomainCheckpointDelete");
        printf("checkpoints after delete %d\n", virDomainListAllCheckpoints(dom, NULL, 0));
    }
    if (c1)
        virDomainCheckpointFree(c1);
    if (c2)
        virDomainCheckpointFree(c2);
out:
    if (s1)
        virDomainSnapshotFree(s1);
    if (s2)
        virDomainSnapshotFree(s2);
    virDomainFree(dom);
}

int main(int argc, char **argv)
{
    const char *uri = argc > 1 ? argv[1] : "test:///default";
    virConnectPtr conn;
    virDomainPtr dom, *doms = NULL;
    virNodeInfo ni;
    unsigned long ver;
    char *s;
    int n, ids[16], cb, cb2, tick;
    char *names[16];
    static const char xml[] =
        "<domain type='test'><name>apicheck</name>"
        "<uuid>3b5b4f2e-1c1a-4e3e-9a52-0a1b2c3d4e5f</uuid><memory>65536</memory>"
        "<os><type>hvm</type></os></domain>";

    virSetErrorFunc(NULL, quiet);
    if (virEventRegisterDefaultImpl() < 0)
        print_error("virEventRegisterDefaultImpl");
    conn = virConnectOpen(uri);
    if (!conn) {
        print_error("virConnectOpen");
        return 1;
    }
    printf("type %s\n", virConnectGetType(conn));
    if (virConnectGetVersion(conn, &ver) == 0)
        printf("hv version %lu\n", ver);
    s = virConnectGetURI(conn);
    printf("uri %s\n", s);
    free(s);
    printf("alive %d secure %d encrypted %d\n", virConnectIsAlive(conn), virConnectIsSecure(conn),
           virConnectIsEncrypted(conn));
    if (virNodeGetInfo(conn, &ni) == 0)
        printf("node %s mem=%lu cpus=%u mhz=%u %u/%u/%u/%u\n", ni.model, ni.memory, ni.cpus, ni.mhz,
               ni.nodes, ni.sockets, ni.cores, ni.threads);
    printf("free memory %llu\n", virNodeGetFreeMemory(conn));
    s = virConnectGetCapabilities(conn);
    printf("capabilities %zu bytes\n", s ? strlen(s) : 0);
    free(s);

    printf("active %d defined %d\n", virConnectNumOfDomains(conn),
           virConnectNumOfDefinedDomains(conn));
    n = virConnectListDomains(conn, ids, 16);
    for (int i = 0; i < n; i++)
        printf("id %d\n", ids[i]);
    n = virConnectListAllDomains(conn, &doms, 0);
    for (int i = 0; i < n; i++) {
        show_domain(doms[i]);
        virDomainFree(doms[i]);
    }
    free(doms);

    cb = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                          VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), NULL, NULL);
    if (cb < 0)
        print_error("virConnectDomainEventRegisterAny");
    /* The same function again is refused; another one is not. */
    if (virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), &cb2,
                                         NULL) >= 0)
        printf("the same callback was registered twice\n");
    else
        print_error("virConnectDomainEventRegisterAny (the same callback again)");
    cb2 = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                           VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle2), NULL, NULL);
    if (cb2 < 0)
        print_error("virConnectDomainEventRegisterAny (a second callback)");

    if (!virDomainLookupByName(conn, "nosuch"))
        print_error("virDomainLookupByName");
    if (!virDomainLookupByUUIDString(conn, "not-a-uuid"))
        print_error("virDomainLookupByUUIDString");

    dom = virDomainDefineXML(conn, xml);
    if (!dom) {
        print_error("virDomainDefineXML");
    } else {
        show_domain(dom);
        n = virConnectListDefinedDomains(conn, names, 16);
        for (int i = 0; i < n; i++) {
            printf("defined %s\n", names[i]);
            free(names[i]);
        }
        if (virDomainCreate(dom) < 0)
            print_error("virDomainCreate");
        show_domain(dom);
        if (virDomainSuspend(dom) < 0)
            print_error("virDomainSuspend");
        if (virDomainSuspend(dom) < 0)
            print_error("virDomainSuspend again");
        if (virDomainResume(dom) < 0)
            print_error("virDomainResume");
        if (virDomainSetMemory(dom, 32768) < 0)
            print_error("virDomainSetMemory");
        if (virDomainSetAutostart(dom, 1) < 0)
            print_error("virDomainSetAutostart");
        show_domain(dom);
        if (virDomainDestroy(dom) < 0)
            print_error("virDomainDestroy");
        show_domain(dom);
        if (virDomainUndefine(dom) < 0)
            print_error("virDomainUndefine");
        virDomainFree(dom);
    }
    /* Let the five lifecycle events arrive (defined, started, suspended,
     * resumed, stopped, undefined: six with undefine); wait up to 5 s. */
    tick = virEventAddTimeout(100, on_tick, NULL, NULL);
    for (int i = 0; i < 50 && (lifecycle_events[0] < 6 || lifecycle_events[1] < 6); i++)
        virEventRunDefaultImpl();
    /* Without the first callback the second still sees the next events
     * (defined, undefined). */
    if (cb >= 0 && virConnectDomainEventDeregisterAny(conn, cb) < 0)
        print_error("virConnectDomainEventDeregisterAny");
    dom = virDomainDefineXML(conn, xml);
    if (!dom || virDomainUndefine(dom) < 0)
        print_error("virDomainDefineXML + virDomainUndefine");
    if (dom)
        virDomainFree(dom);
    for (int i = 0; i < 50 && lifecycle_events[1] < 8; i++)
        virEventRunDefaultImpl();
    virEventRemoveTimeout(tick);
    printf("events %d %d\n", lifecycle_events[0], lifecycle_events[1]);
    if (cb2 >= 0 && virConnectDomainEventDeregisterAny(conn, cb2) < 0)
        print_error("virConnectDomainEventDeregisterAny (the second callback)");
    check_nodedev(conn);
    check_pool_events(conn);
    check_nodedev_events(conn);
    check_event_errors(conn);
    tick = virEventAddTimeout(100, on_tick, NULL, NULL);
    check_networks(conn);
    virEventRemoveTimeout(tick);
    show_snapshots(conn);
    printf("close %d\n", virConnectClose(conn));
    return 0;
}
