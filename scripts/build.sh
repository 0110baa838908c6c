#!/bin/bash
# Configures (once) and builds into ./build: build/src/libvirtd.
set -eu
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
    meson setup build
fi
ninja -C build -j2
