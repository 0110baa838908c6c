#!/bin/bash
# qemu-run.sh TEST_QEMU_RUN DOMAIN.xml ORACLE CACHE: runs test-qemu-run on
# the payload domain in a fresh directory (removed at exit). Exit 77 when
# QEMU or the payload (ORACLE/payload.sh, packages kept in CACHE) is missing.
set -u
RUN=$1 DOMAIN=$2 ORACLE=$3 CACHE=$4
skip() { echo "SKIP: $*"; exit 77; }
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed"
[ -x "$ORACLE/payload.sh" ] || skip "no payload.sh in $ORACLE"
T=$(mktemp -d /var/tmp/qxml-run-XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
mkdir -p "$CACHE"
PAYLOAD_CACHE=$CACHE/payload "$ORACLE/payload.sh" "$T/payload" >/dev/null || skip "no payload"
aliases=()
while read -r a m; do aliases+=(-M "$a=$m"); done < <(
    qemu-system-x86_64 -machine help | sed -nE 's/^([^ ]+) .*\(alias of ([^)]+)\)$/\1 \2/p')
"$RUN" "${aliases[@]}" "$DOMAIN" "$T/payload" "$T"
