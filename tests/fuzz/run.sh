#!/bin/bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and
# runs each for SECONDS (default 60) on a copy of its corpus. A crash stops
# the run with libFuzzer's report and the crashing input saved in
# build-fuzz/crashes/; keep it in tests/fuzz/corpus/TARGET/ once fixed.
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(session uri config)

if [ ! -f build-fuzz/build.ninja ]; then
    CC=clang meson setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined \
        -Db_lundef=false -Dinterop_tests=disabled >/dev/null
fi
ninja -C build-fuzz -j2 $(printf 'tests/fuzz/fuzz-%s ' "${targets[@]}") >build-fuzz/ninja.log 2>&1 || {
    echo "fuzz: the fuzz targets do not build:"
    grep -E 'error|FAILED' build-fuzz/ninja.log | head -20
    exit 1
}

mkdir -p build-fuzz/crashes
total=0
for t in "${targets[@]}"; do
    work=build-fuzz/corpus-$t
    mkdir -p "$work"
    cp -n tests/fuzz/corpus/$t/* "$work/" 2>/dev/null || true
    log=build-fuzz/fuzz-$t.log
    if ! UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        ASAN_OPTIONS=detect_leaks=1 \
        build-fuzz/tests/fuzz/fuzz-$t -max_total_time="$seconds" -max_len=65536 \
        -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix=build-fuzz/crashes/$t- "$work" >"$log" 2>&1; then
        echo "fuzz-$t: FAILED (see $log)"
        tail -40 "$log"
        exit 1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "fuzz-$t: ${runs:-?} executions in ${seconds}s, no crash"
    total=$((total + ${runs:-0}))
done
echo "fuzz: $total executions in all"
