/* src/conf/network_xml: network XML as real libvirt 9.0's test driver
 * writes it back (the expected texts are real's net-dumpxml output), its
 * errors, and net-update's changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "conf/network_xml.h"
#include "error.h"

static void parses_to(const char *name, const char *xml, const char *want)
{
    struct nx_def def;
    if (nx_def_parse_string(xml, 0, &def) < 0) {
        FAIL("%s: refused: %s", name, error_last_message());
        return;
    }
    if (strcmp(def.shown, want) != 0)
        FAIL("%s: expected\n%s\ngot\n%s", name, want, def.shown);
    nx_def_clear(&def);
}

static void refused_with(const char *name, const char *xml, const char *want)
{
    struct nx_def def;
    error_clear();
    if (nx_def_parse_string(xml, 0, &def) == 0) {
        FAIL("%s: accepted, expected '%s'", name, want);
        nx_def_clear(&def);
        return;
    }
    if (strcmp(error_last_message(), want) != 0)
        FAIL("%s: expected '%s', got '%s'", name, want, error_last_message());
}

static const char default_xml[] =
    "<network>\n"
    "  <name>default</name>\n"
    "  <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>\n"
    "  <forward mode='nat'/>\n"
    "  <bridge name='virbr0' stp='on' delay='0'/>\n"
    "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
    "    <dhcp>\n"
    "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
    "    </dhcp>\n"
    "  </ip>\n"
    "</network>\n";

static void canonical_forms(void)
{
    parses_to("default", default_xml, default_xml);
    parses_to("order and defaults",
              "<network><ip address='10.2.0.1' prefix='16'/><portgroup name='pg'/>"
              "<uuid>2bde611f-e4dc-401d-afae-4537c6684b64</uuid><virtualport type='openvswitch'/>"
              "<port isolated='yes'/><name>o</name><unknown/></network>",
              "<network>\n"
              "  <name>o</name>\n"
              "  <uuid>2bde611f-e4dc-401d-afae-4537c6684b64</uuid>\n"
              "  <bridge stp='on' delay='0'/>\n"
              "  <port isolated='yes'/>\n"
              "  <ip address='10.2.0.1' prefix='16'>\n"
              "  </ip>\n"
              "  <virtualport type='openvswitch'/>\n"
              "  <portgroup name='pg'>\n"
              "  </portgroup>\n"
              "</network>\n");
    parses_to("bridge mode",
              "<network><name>br</name><uuid>156c0dfb-f7a4-4fd5-a88b-4f4a7b88dd71</uuid>"
              "<forward mode='bridge'/><bridge name='br0'/></network>",
              "<network>\n"
              "  <name>br</name>\n"
              "  <uuid>156c0dfb-f7a4-4fd5-a88b-4f4a7b88dd71</uuid>\n"
              "  <forward mode='bridge'/>\n"
              "  <bridge name='br0'/>\n"
              "</network>\n");
    parses_to("forward dev is the first interface",
              "<network><name>ab</name><uuid>11396792-95e0-4c97-9ef1-8acc323b7385</uuid>"
              "<forward mode='route' dev='eth0'/><ip address='1.2.3.4' prefix='24'/></network>",
              "<network>\n"
              "  <name>ab</name>\n"
              "  <uuid>11396792-95e0-4c97-9ef1-8acc323b7385</uuid>\n"
              "  <forward dev='eth0' mode='route'>\n"
              "    <interface dev='eth0'/>\n"
              "  </forward>\n"
              "  <bridge stp='on' delay='0'/>\n"
              "  <ip address='1.2.3.4' prefix='24'>\n"
              "  </ip>\n"
              "</network>\n");
}

static void generated_uuid(void)
{
    struct nx_def a, b;
    if (nx_def_parse_string("<network><name>g</name></network>", 0, &a) < 0 ||
        nx_def_parse_string("<network><name>g</name></network>", 0, &b) < 0) {
        FAIL("refused: %s", error_last_message());
        return;
    }
    if (memcmp(a.uuid, b.uuid, NX_UUID_LEN) == 0)
        FAIL("two generated uuids are the same");
    if ((a.uuid[6] >> 4) != 4 || (a.uuid[8] & 0xc0) != 0x80)
        FAIL("the generated uuid is not a random (version 4) one");
    if (a.bridge)
        FAIL("a network without a bridge name has bridge '%s'", a.bridge);
    nx_def_clear(&a);
    nx_def_clear(&b);
}

static void errors(void)
{
    refused_with("no name", "<network/>", "missing name information");
    refused_with("not a network", "<domain/>",
                 "XML error: expecting root element of 'network', not 'domain'");
    refused_with("slash", "<network><name>a/b</name></network>", "invalid char in name: /");
    refused_with("forward mode", "<network><name>x</name><forward mode='foo'/></network>",
                 "unsupported configuration: unknown forwarding type 'foo'");
    refused_with("nat without ip", "<network><name>ab</name><forward/></network>",
                 "XML error: nat forwarding requested, but no IP address provided for network "
                 "'ab'");
    refused_with("range outside",
                 "<network><name>ab</name><ip address='1.2.3.4' netmask='255.255.255.0'><dhcp>"
                 "<range start='1.2.4.1' end='1.2.4.5'/></dhcp></ip></network>",
                 "internal error: range 1.2.4.1 - 1.2.4.5 is not entirely within network "
                 "1.2.3.4/24");
    refused_with("multicast mac", "<network><name>ab</name><mac address='01:00:00:00:00:01'/></network>",
                 "XML error: Invalid multicast bridge mac address '01:00:00:00:00:01' in network "
                 "'ab'");
}

static void updates(void)
{
    struct nx_def def;
    if (nx_def_parse_string(default_xml, 0, &def) < 0) {
        FAIL("default refused: %s", error_last_message());
        return;
    }
    if (nx_def_update(&def, 3, 4, -1, "<host mac='52:54:00:00:00:02' name='h2' ip='192.168.122.20'/>") < 0)
        FAIL("add ip-dhcp-host: %s", error_last_message());
    else if (!strstr(def.shown, "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
                                "      <host mac='52:54:00:00:00:02' name='h2' ip='192.168.122.20'/>\n"))
        FAIL("the host is not after the range:\n%s", def.shown);
    error_clear();
    if (nx_def_update(&def, 2, 4, -1, "<host mac='52:54:00:00:00:07'/>") == 0)
        FAIL("deleting a host that is not there succeeded");
    else if (strcmp(error_last_message(), "Requested operation is not valid: couldn't locate a "
                                          "matching dhcp host entry in network 'default'") != 0)
        FAIL("delete: got '%s'", error_last_message());
    error_clear();
    if (nx_def_update(&def, 1, 1, -1, "<bridge name='x'/>") == 0 ||
        strcmp(error_last_message(),
               "Operation not supported: can't update 'bridge' section of network 'default'") != 0)
        FAIL("bridge section: got '%s'", error_last_message());
    nx_def_clear(&def);
}

/* libvirt shows a DHCP host's name unescaped (and so fails to update such
 * a network, as it parses what it shows); the text kept is valid XML. */
static void host_name_quirk(void)
{
    struct nx_def def;
    if (nx_def_parse_string("<network><name>q</name><ip address='10.1.1.1' prefix='24'><dhcp>"
                            "<host mac='52:54:00:00:00:01' ip='10.1.1.5' name='a&amp;b'/>"
                            "</dhcp></ip></network>",
                            0, &def) < 0) {
        FAIL("refused: %s", error_last_message());
        return;
    }
    if (!strstr(def.shown, "name='a&b'") || !strstr(def.xml, "name='a&amp;b'"))
        FAIL("shown:\n%s\nkept:\n%s", def.shown, def.xml);
    if (nx_def_update(&def, 3, 11, -1, "<txt name='t' value='v'/>") == 0)
        FAIL("updating a network whose shown XML is not well formed succeeded");
    nx_def_clear(&def);
}

int main(void)
{
    canonical_forms();
    generated_uuid();
    errors();
    updates();
    host_name_quirk();
    return failures ? 1 : 0;
}
