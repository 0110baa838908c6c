#!/bin/bash
# Builds everything with AddressSanitizer and UndefinedBehaviorSanitizer in
# ./build-san and runs the whole test suite there. Every process of ours
# (each per-connection libvirtd, our virsh, the unit tests) writes its
# sanitizer reports to build-san/sanitizer-logs/; any report fails the run,
# even one from a process whose exit status no test looks at.
#
#   sudo bash scripts/test-sanitizers.sh
set -u
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh || exit 1
if [ ! -f build-san/build.ninja ]; then
    meson setup build-san -Db_sanitize=address,undefined -Db_lundef=false || exit 1
fi
ninja -C build-san -j2 || exit 1

logs=$PWD/build-san/sanitizer-logs
rm -rf "$logs"
mkdir -p "$logs"
export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1"
# Suite nosan (meson.build says why each is in it) is left out; arguments
# given replace that choice.
if [ $# -eq 0 ]; then
    set -- --no-suite nosan
fi
meson test -C build-san --print-errorlogs "$@"
rc=$?
if [ -n "$(ls -A "$logs")" ]; then
    echo "sanitizer reports:"
    for f in "$logs"/*; do
        echo "== $f"
        cat "$f"
    done
    exit 1
fi
exit $rc
