#!/usr/bin/env bash
# The Slurm backend's overhead against the local backend on the same machine: the sweep of
# 32 short runs of tools/bench/scheduling.sh through each, from the same cached base model.
# Submission to start: the claim of each of the first runs (as many as there are slots; later
# ones wait for a free slot) to its job running. End to ingestion: per run, the worker's
# result.json written to the store's record of it. Per sweep:
# the makespan (first claim to last record) against the ideal (the runs' own wall time as
# each worker measured it, summed, over the slots: cores / threads), and the slot time per
# run spent on neither (process start, scheduling, ingestion). Needs a Slurm cluster that answers `sinfo`
# (tools/slurm_cluster.sh start) and a build (tools/build.sh).
#   tools/bench/slurm_overhead.sh [OUT_DIR]   (default: results/bench-slurm-overhead)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-results/bench-slurm-overhead}
bin=build/tunebench
rm -rf "$out"
mkdir -p "$out"
cp tools/bench/scheduling_spec.json "$out/spec.json"  # 32 short runs, as tools/bench/scheduling.sh
slots=$(nproc)

# One sweep per backend, each in its own results folder with the base model copied in.
"$bin" run "$out/spec.json" --out "$out/warmup" 'methods=[{"method":"lora"}]' seeds=[0] >/dev/null 2>&1
for backend in local slurm; do
  mkdir -p "$out/$backend"
  cp -r "$out/warmup/models" "$out/$backend/"
  "$bin" run "$out/spec.json" --out "$out/$backend" --backend "$backend" >"$out/$backend.log" 2>&1
done

epoch() { echo "(julianday($1) - 2440587.5) * 86400.0"; }
for backend in local slurm; do
  db="$out/$backend/tunebench.sqlite"
  # end -> ingestion: the attempt's record minus result.json's modification time
  ingest=0
  n=0
  while IFS='|' read -r key finished; do
    written=$(stat -c %.6Y "$out/$backend/runs/$key/result.json")
    ingest=$(echo "$ingest + $finished - $written" | bc -l)
    n=$((n + 1))
  done < <(sqlite3 "$db" "SELECT run_key, printf('%.6f', $(epoch finished_at)) FROM attempts WHERE outcome = 'done'")
  first=$(sqlite3 "$db" "SELECT printf('%.2f', AVG(wait)) || ' s (max ' || printf('%.2f', MAX(wait)) || ' s)' FROM
      (SELECT $(epoch running_at) - $(epoch started_at) AS wait FROM attempts ORDER BY running_at LIMIT $slots)")
  sqlite3 "$db" "SELECT
      '$backend: ' || COUNT(*) || ' runs, submission to start $first, end to ingestion ' ||
      printf('%.2f', $ingest / $n) || ' s, makespan ' ||
      printf('%.1f', MAX($(epoch finished_at)) - MIN($(epoch started_at))) || ' s, ideal ' ||
      printf('%.1f', SUM(wall_seconds) / $slots) || ' s (' ||
      printf('%.2f', (MAX($(epoch finished_at)) - MIN($(epoch started_at))) / (SUM(wall_seconds) / $slots)) ||
      'x); idle slot time per run ' ||
      printf('%.2f', ((MAX($(epoch finished_at)) - MIN($(epoch started_at))) * $slots - SUM(wall_seconds)) / COUNT(*)) ||
      ' s' FROM attempts WHERE outcome = 'done'"
done
