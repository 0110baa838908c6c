#!/bin/bash
# Runs CMD [ARGS...] with its address space bounded, and so every daemon
# it starts: an attack that makes a process grow then fails in that
# process instead of taking the machine. AddressSanitizer reserves
# terabytes of address space, so under it the bound is ASan's own RSS
# limit instead (a process over it is stopped with a report, which fails
# the sanitizer run).
#
# Usage: tests/integration/bounded.sh CMD [ARGS...]
[ $# -ge 1 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }
if [ -n "${ASAN_OPTIONS:-}" ]; then
    export ASAN_OPTIONS="$ASAN_OPTIONS:hard_rss_limit_mb=4096"
else
    ulimit -v $((4 * 1024 * 1024)) || exit 1
fi
exec "$@"
