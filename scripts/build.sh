#!/usr/bin/env bash
# Configures and builds sluice into build/ (Ninja, RelWithDebInfo, ccache when present, -j2).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${SLUICE_JOBS:-2}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${SLUICE_BUILD_TYPE:-RelWithDebInfo}" "$@"
cmake --build build -j "$jobs"
