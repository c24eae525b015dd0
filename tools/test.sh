#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build everything (library, CLI, tests,
# benchmarks), run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh --tests
tools/build.sh
# The Slurm backend's tests run against a one-node cluster on this machine (root only).
if [ "$(id -u)" -eq 0 ] && tools/slurm_cluster.sh start; then
  export TUNEBENCH_REQUIRE_SLURM=1
else
  echo "tunebench test: no local Slurm cluster (tools/slurm_cluster.sh start needs root); the Slurm tests skip" >&2
fi
cd build
ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)"
