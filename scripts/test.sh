#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test (unit, integration, cluster). CI runs exactly this.
#   scripts/test.sh                 everything
#   scripts/test.sh -L unit         only one label (extra arguments go to ctest)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure --timeout 600 -j "${SLUICE_TEST_JOBS:-2}" "$@"
