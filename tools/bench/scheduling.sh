#!/usr/bin/env bash
# Scheduling efficiency of the executor: a sweep of 32 short runs (a tiny model, one
# thread each) on 2 workers. The target: the sweep's wall time from the first worker's
# start to the last one's end is at most 1.1 x (sum of the runs' wall times / 2), where
# a run's wall time is its worker process's, from start to exit.
# Usage (from the repository root, after tools/build.sh): tools/bench/scheduling.sh [WORKERS]
set -euo pipefail
cd "$(dirname "$0")/../.."
workers="${1:-2}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp tools/bench/scheduling_spec.json "$scratch/spec.json"
start=$(date +%s.%N)
build/tunebench run "$scratch/spec.json" --out "$scratch/out" --workers "$workers" >/dev/null 2>"$scratch/err.txt" || {
  cat "$scratch/err.txt"; exit 1; }
end=$(date +%s.%N)
line=$(grep '^workers:' "$scratch/err.txt")
echo "$line"
# "(X s of runs in Y s)"
busy=$(sed -E 's/.*\(([0-9.]+) s of runs in ([0-9.]+) s\).*/\1/' <<<"$line")
pool=$(sed -E 's/.*\(([0-9.]+) s of runs in ([0-9.]+) s\).*/\2/' <<<"$line")
awk -v b="$busy" -v p="$pool" -v w="$workers" -v s="$start" -v e="$end" 'BEGIN {
  printf "32 runs, %d workers: sweep %.1f s vs ideal %.1f s (sum of run times / %d): ratio %.3f (target <= 1.1)\n", w, p, b / w, w, p / (b / w);
  printf "whole command, base model pretraining and report included: %.1f s\n", e - s }'
