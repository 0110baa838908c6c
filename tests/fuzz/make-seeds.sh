#!/bin/sh
# Writes the seed corpora from the golden frames in tests/data/captures:
# each session seed is a selector byte (odd: the harness opens
# test:///default first) followed by calls a client sends. Run once when the
# captures change; the seeds are kept in git.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cap=$here/../data/captures
out=$here/corpus/session
mkdir -p "$out"
seed() {
    name=$1 sel=$2
    shift 2
    { printf "\\$(printf %03o "$sel")"; for f in "$@"; do cat "$cap/$f.bin"; done; } > "$out/$name"
}
seed handshake 0 auth_list_call connect_supports_feature_call connect_open_call \
    connect_register_close_callback_call connect_get_version_call connect_close_call
seed dominfo 1 domain_lookup_by_name_call domain_get_info_call get_xml_desc_call
seed list 1 list_all_domains_call node_get_info_call
seed events 1 connect_domain_event_callback_register_any_call domain_get_info_call
seed keepalive 1 keepalive_ping keepalive_pong connect_get_version_call
seed before-open 0 domain_lookup_by_name_call node_get_info_call
