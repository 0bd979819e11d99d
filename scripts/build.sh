#!/usr/bin/env bash
# Configures and builds sluice into build/ (Ninja, RelWithDebInfo, ccache when present, -j2).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${SLUICE_JOBS:-2}"
# ccache: paths inside the checkout count as relative and the build directory is not hashed, so another clone
# (CI) or another build directory reuses the same cache entries.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${SLUICE_BUILD_TYPE:-RelWithDebInfo}" "$@"
cmake --build build -j "$jobs"
