#!/bin/bash
# Stands in for a test whose prerequisite meson did not find, so that the
# test is reported skipped (exit 77) with the reason instead of left out.
#
# Usage: skip.sh REASON...
echo "SKIP: $*" >&2
exit 77
