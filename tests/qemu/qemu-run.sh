#!/bin/bash
# qemu-run.sh TEST_QEMU_RUN DOMAIN.xml SCRIPTS: runs test-qemu-run on
# the payload domain (SCRIPTS/payload.sh) in a fresh directory (removed at
# exit). Exit 77 when QEMU is missing; the payload not built is a failure.
set -u
RUN=$1 DOMAIN=$2 ORACLE=$3
skip() { echo "SKIP: $*"; exit 77; }
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed"
[ -x "$ORACLE/payload.sh" ] || skip "no payload.sh in $ORACLE"
T=$(mktemp -d /var/tmp/qxml-run-XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
"$ORACLE/payload.sh" "$T/payload" >/dev/null || { echo "FAIL: payload.sh could not build the guest"; exit 1; }
aliases=()
while read -r a m; do aliases+=(-M "$a=$m"); done < <(
    qemu-system-x86_64 -machine help | sed -nE 's/^([^ ]+) .*\(alias of ([^)]+)\)$/\1 \2/p')
"$RUN" "${aliases[@]}" "$DOMAIN" "$T/payload" "$T"
