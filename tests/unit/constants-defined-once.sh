#!/bin/bash
# The wire's constants have one definition each: the keepalive procedures
# and program numbers in rpc/*.x (rpcgen's headers), the
# virConnectSupportsFeature numbers in rpc/feature.h. Fails, naming the
# line, when a C file of the client or the daemon defines one again.
# Usage: constants-defined-once.sh SOURCE_ROOT
cd "${1:-.}" || exit 1
pattern='^[[:space:]]*(#[[:space:]]*define[[:space:]]+)?(KEEPALIVE_PROC_P[IO]NG|KEEPALIVE_PROGRAM|REMOTE_PROGRAM|FEATURE_[A-Z_]+)[[:space:]]*(=|[0-9])'
found=$(grep -EnH "$pattern" --include='*.c' --include='*.h' -r rpc src client | grep -v '^rpc/feature\.h:')
if [ -n "$found" ]; then
    echo "FAIL: defined again outside rpc/*.x and rpc/feature.h:"
    echo "$found"
    exit 1
fi
echo "keepalive, program and feature numbers: each defined once"
