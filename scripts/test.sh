#!/bin/bash
# Installs what is needed, builds, and runs the whole test suite (unit tests,
# and the interop tests against real libvirt 9.0).
#
#   sudo bash scripts/test.sh
set -eu
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
meson test -C build --print-errorlogs "$@"
