#!/bin/sh
# rpcgen names the header it includes after the path of its input, so run it
# beside its output on a copy of the .x (the concatenation of every IN, the
# first one naming it): the generated C then includes "name.h" from its own
# directory.  Usage: rpcgen-wrap.sh RPCGEN -h|-c OUT IN...
set -eu
rpcgen=$1 mode=$2 out=$3
shift 3
dir=$(dirname "$out")
base=$(basename "$1")
cat "$@" >"$dir/.$base.$$.tmp"
cd "$dir"
rm -f "$(basename "$out")"
mv ".$base.$$.tmp" "$base"
"$rpcgen" "$mode" -o "$(basename "$out")" "$base"
