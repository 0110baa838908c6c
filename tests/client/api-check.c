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
    tick = virEventAddTimeout(100, on_tick, NULL, NULL);
    check_networks(conn);
    virEventRemoveTimeout(tick);
    printf("close %d\n", virConnectClose(conn));
    return 0;
}
