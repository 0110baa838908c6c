/* Several threads share one connection while the default event loop runs
 * in another and events arrive: every call must get its own reply.
 * Usage: threads URI. Prints "ok" and exits 0 when all went well. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#define NTHREADS 8
#define ITERATIONS 200

static virConnectPtr conn;
static int failures;
static int events;
static int stop;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void fail(const char *what)
{
    virErrorPtr e = virGetLastError();

    pthread_mutex_lock(&lock);
    failures++;
    fprintf(stderr, "%s failed: %s\n", what, e && e->message ? e->message : "?");
    pthread_mutex_unlock(&lock);
}

static void quiet(void *data, virErrorPtr err)
{
    (void)data;
    (void)err;
}

static void wake(int timer, void *opaque)
{
    (void)opaque;
    virEventRemoveTimeout(timer);
}

static void *loop(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&stop, __ATOMIC_SEQ_CST))
        virEventRunDefaultImpl();
    return NULL;
}

static int on_event(virConnectPtr c, virDomainPtr dom, int event, int detail, void *opaque)
{
    (void)c;
    (void)dom;
    (void)event;
    (void)detail;
    (void)opaque;
    pthread_mutex_lock(&lock);
    events++;
    pthread_mutex_unlock(&lock);
    return 0;
}

static void *reader(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITERATIONS; i++) {
        virDomainPtr dom = virDomainLookupByName(conn, "test");
        virDomainInfo info;
        virDomainPtr *list = NULL;
        char *xml;
        int n;

        if (!dom) {
            fail("lookup");
            continue;
        }
        if (virDomainGetInfo(dom, &info) < 0 || info.nrVirtCpu != 2)
            fail("getinfo");
        xml = virDomainGetXMLDesc(dom, 0);
        if (!xml || !strstr(xml, "<name>test</name>"))
            fail("xml");
        free(xml);
        n = virConnectListAllDomains(conn, &list, 0);
        if (n < 1)
            fail("listall");
        for (int k = 0; k < n; k++)
            virDomainFree(list[k]);
        free(list);
        if (virDomainLookupByName(conn, "no-such-domain") ||
            virGetLastErrorCode() != VIR_ERR_NO_DOMAIN)
            fail("lookup error");
        virDomainFree(dom);
    }
    return NULL;
}

static void *writer(void *arg)
{
    static const char xml[] = "<domain type='test'><name>churn</name><memory>65536</memory>"
                              "<os><type>hvm</type></os></domain>";

    (void)arg;
    for (int i = 0; i < ITERATIONS / 4; i++) {
        virDomainPtr dom = virDomainDefineXML(conn, xml);
        if (!dom) {
            fail("define");
            continue;
        }
        if (virDomainCreate(dom) < 0 || virDomainDestroy(dom) < 0 || virDomainUndefine(dom) < 0)
            fail("lifecycle");
        virDomainFree(dom);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t[NTHREADS + 1], ev;
    int cb;

    virSetErrorFunc(NULL, quiet);
    virEventRegisterDefaultImpl();
    conn = virConnectOpen(argc > 1 ? argv[1] : NULL);
    if (!conn) {
        fail("open");
        return 1;
    }
    pthread_create(&ev, NULL, loop, NULL);
    cb = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                          VIR_DOMAIN_EVENT_CALLBACK(on_event), NULL, NULL);
    if (cb < 0)
        fail("register");
    for (int i = 0; i < NTHREADS; i++)
        pthread_create(&t[i], NULL, reader, NULL);
    pthread_create(&t[NTHREADS], NULL, writer, NULL);
    for (int i = 0; i <= NTHREADS; i++)
        pthread_join(t[i], NULL);
    /* Each churn cycle sends 4 events (defined, started, stopped,
     * undefined); wait for the last ones. */
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&lock);
        int n = events;
        pthread_mutex_unlock(&lock);
        if (n >= ITERATIONS)
            break;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (events != ITERATIONS) {
        fprintf(stderr, "expected %d lifecycle events, got %d\n", ITERATIONS, events);
        failures++;
    }
    if (cb >= 0 && virConnectDomainEventDeregisterAny(conn, cb) < 0)
        fail("deregister");
    __atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
    /* Wake the loop with a no-op timer so it can see `stop`. */
    virEventAddTimeout(0, wake, NULL, NULL);
    pthread_join(ev, NULL);
    if (virConnectClose(conn) != 0)
        fail("close");
    if (failures)
        return 1;
    printf("ok\n");
    return 0;
}
