#!/bin/sh
# rpcgen names the header it includes after the path of its input, so run it
# beside its output on a copy of the .x: the generated C then includes
# "name.h" from its own directory.  Usage: rpcgen-wrap.sh RPCGEN -h|-c IN OUT
set -eu
rpcgen=$1 mode=$2 in=$3 out=$4
dir=$(dirname "$out")
base=$(basename "$in")
cp "$in" "$dir/.$base.$$.tmp"
cd "$dir"
rm -f "$(basename "$out")"
mv ".$base.$$.tmp" "$base"
"$rpcgen" "$mode" -o "$(basename "$out")" "$base"
