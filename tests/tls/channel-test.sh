#!/bin/bash
# Runs a test program that takes a PKI directory (test-tls-channel,
# test-tls-key-wipe: $1) with a fresh PKI in a temp dir.
command -v certtool >/dev/null 2>&1 || { echo "SKIP: certtool not installed"; exit 77; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/tlsch.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
"$(dirname "$0")/make-pki.sh" "$dir" || exit 1
timeout 120 "$1" "$dir"
