#!/bin/bash
# Regenerates the golden vectors in this directory: captures real virsh and
# python3-libvirt talking to a private real libvirtd 9.0 over tcp on
# loopback, splits each direction of each TCP stream into whole frames, and
# writes the chosen ones as NAME.bin (length word included). Also writes
# decoded.txt: tshark's libvirt-dissector decode of each .bin (wrapped in a
# TCP packet by text2pcap), the values tests/unit/test-message.c checks.
# Needs root (capture on lo), tshark, libvirt-wireshark, real libvirt 9.0.
# Not run by the test suite: the .bin files are committed.
#
# Usage: bash tests/data/captures/capture.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../integration/lib.sh"
it_need_real_libvirt
command -v tshark >/dev/null || it_skip "tshark not installed"
it_need ss iproute2
it_setup

it_on_free_port port real_start cap {} || exit 1
pcap=$IT_DIR/cap.pcapng
tshark -i lo -f "tcp port $port" -w "$pcap" >"$IT_DIR/tshark.log" 2>&1 &
tpid=$!
IT_PIDS+=("$tpid")
for ((i = 0; i < 100; i++)); do
    grep -q 'Capturing on' "$IT_DIR/tshark.log" 2>/dev/null && break
    sleep 0.1
done
sleep 0.5

uri="test+tcp://127.0.0.1:$port/default"
export HOME=$IT_DIR/home XDG_CONFIG_HOME=$IT_DIR/home/.config
mkdir -p "$HOME"
# One connection per stream, in this order (the splitter below relies on it).
virsh -c "$uri" version >/dev/null                          # stream 0
virsh -c "$uri" nodeinfo >/dev/null                         # stream 1
virsh -c "$uri" 'dominfo test' >/dev/null                   # stream 2
virsh -c "$uri" 'list --all' >/dev/null                     # stream 3
virsh -c "$uri" 'dominfo nosuch' >/dev/null 2>&1            # stream 4
virsh -c "$uri" 'dumpxml test' >/dev/null                   # stream 5
# stream 6: idle long enough for keepalive pings
virsh -c "$uri" 'event --loop --all --timeout 12' >/dev/null 2>&1
# stream 7: lifecycle events of the connection's own actions
/usr/bin/python3 - "$uri" <<'PY'
import sys, threading, time, libvirt
libvirt.virEventRegisterDefaultImpl()
threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)], daemon=True).start()
got = []
c = libvirt.open(sys.argv[1])
c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, lambda *a: got.append(a[2:4]), None)
d = c.lookupByName("test")
d.suspend()
for _ in range(100):
    if got: break
    time.sleep(0.05)
c.close()
PY
sleep 1
kill -INT "$tpid"
wait "$tpid"


/usr/bin/python3 - "$pcap" "$port" "$here" <<'PY'
import struct, subprocess, sys
pcap, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def stream(n):
    """(client->server bytes, server->client bytes) of TCP stream n."""
    txt = subprocess.run(["tshark", "-r", pcap, "-q", "-z", "follow,tcp,raw,%d" % n],
                         capture_output=True, text=True).stdout
    c2s, s2c = b"", b""
    body = txt.split("=" * 10)[-2] if "=" * 10 in txt else txt
    for line in txt.splitlines():
        if not line or line.startswith(("=", "Follow", "Filter", "Node")):
            continue
        if line.startswith("\t"):
            s2c += bytes.fromhex(line.strip())
        else:
            c2s += bytes.fromhex(line.strip())
    return c2s, s2c

def frames(data):
    out = []
    while len(data) >= 4:
        n = struct.unpack(">I", data[:4])[0]
        out.append(data[:n])
        data = data[n:]
    return out

def hdr(f):
    return struct.unpack(">IIiiIi", f[4:28])

def pick(fs, prog, proc, typ, status=None):
    for f in fs:
        h = hdr(f)
        if h[0] == prog and h[2] == proc and h[3] == typ and (status is None or h[5] == status):
            return f
    raise SystemExit("no frame prog=%x proc=%d type=%d" % (prog, proc, typ))

R, K = 0x20008086, 0x6b656570
want = {}
c, s = stream(0); cf, sf = frames(c), frames(s)
want["auth_list_call"] = pick(cf, R, 66, 0)
want["auth_list_reply"] = pick(sf, R, 66, 1)
want["connect_supports_feature_call"] = pick(cf, R, 60, 0)
want["connect_supports_feature_reply"] = pick(sf, R, 60, 1)
want["connect_open_call"] = pick(cf, R, 1, 0)
want["connect_open_reply"] = pick(sf, R, 1, 1)
want["connect_register_close_callback_call"] = pick(cf, R, 360, 0)
want["connect_get_version_call"] = pick(cf, R, 4, 0)
want["connect_get_version_reply"] = pick(sf, R, 4, 1)
want["connect_close_call"] = pick(cf, R, 2, 0)
want["connect_close_reply"] = pick(sf, R, 2, 1)
c, s = stream(1); cf, sf = frames(c), frames(s)
want["node_get_info_call"] = pick(cf, R, 6, 0)
want["node_get_info_reply"] = pick(sf, R, 6, 1)
c, s = stream(2); cf, sf = frames(c), frames(s)
want["domain_lookup_by_name_call"] = pick(cf, R, 23, 0)
want["domain_lookup_by_name_reply"] = pick(sf, R, 23, 1)
want["domain_get_info_call"] = pick(cf, R, 16, 0)
want["domain_get_info_reply"] = pick(sf, R, 16, 1)
c, s = stream(3); cf, sf = frames(c), frames(s)
want["list_all_domains_call"] = pick(cf, R, 273, 0)
want["list_all_domains_reply"] = pick(sf, R, 273, 1)
c, s = stream(4); cf, sf = frames(c), frames(s)
want["error_reply_no_domain"] = pick(sf, R, 23, 1, 1)
c, s = stream(5); cf, sf = frames(c), frames(s)
want["get_xml_desc_call"] = pick(cf, R, 14, 0)
want["get_xml_desc_reply"] = pick(sf, R, 14, 1)
c, s = stream(6); cf, sf = frames(c), frames(s)
allf = cf + sf
want["keepalive_ping"] = pick(allf, K, 1, 2)
want["keepalive_pong"] = pick(allf, K, 2, 2)
want["connect_domain_event_callback_register_any_call"] = pick(cf, R, 316, 0)
want["connect_domain_event_callback_register_any_reply"] = pick(sf, R, 316, 1)
c, s = stream(7); cf, sf = frames(c), frames(s)
want["domain_event_callback_lifecycle_msg"] = pick(sf, R, 318, 2)
for name, f in want.items():
    with open("%s/%s.bin" % (out, name), "wb") as fh:
        fh.write(f)
    print("%-52s %5d bytes  hdr=%s" % (name + ".bin", len(f), hdr(f)))
PY

# Each frame decoded on its own by the libvirt dissector.
for f in "$here"/*.bin; do
    od -Ax -tx1 -v "$f" | text2pcap -q -T 16509,16509 - "$IT_DIR/one.pcap" >/dev/null 2>&1
    echo "== $(basename "$f") ($(stat -c %s "$f") bytes)"
    tshark -r "$IT_DIR/one.pcap" -d tcp.port==16509,libvirt -O libvirt -V 2>/dev/null |
        sed -n '/^Libvirt/,$p'
done >"$here/decoded.txt"
