#!/usr/bin/env bash
# Installs dependencies, builds, and runs the quickstart: lists the built-in plugins that the worker loads
# from build/plugins (the FileStream source and sink connectors).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/bin/sluice version
build/bin/sluice plugins --plugin-path build/plugins
