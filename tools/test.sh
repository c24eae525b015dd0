#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build everything (library, CLI, tests,
# benchmarks), run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh --tests
tools/build.sh
cd build
ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)"
