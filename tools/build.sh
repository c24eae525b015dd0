#!/usr/bin/env bash
# Configures (once) and builds tunebench into build/. Extra arguments are build targets.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
if [ $# -gt 0 ]; then
  for target in "$@"; do cmake --build build -j "$jobs" --target "$target"; done
else
  cmake --build build -j "$jobs"
fi
