#!/usr/bin/env bash
# The Slurm backend's overhead against the local backend on the same machine: one sweep of
# 32 short LoRA runs (32 seeds) through each, from a base model both share once cached.
# Submission to start: the claim of each of the first runs (as many as there are slots; later
# ones wait for a free slot) to its job running. End to ingestion: per run, the worker's
# result.json written to the store's record of it. Per sweep:
# the makespan (first claim to last record) against the ideal (the runs' own wall time
# summed, over the slots: cores / threads). Needs a Slurm cluster that answers `sinfo`
# (tools/slurm_cluster.sh start) and a build (tools/build.sh).
#   tools/bench/slurm_overhead.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-bench-slurm-overhead}
bin=build/tunebench
rm -rf "$out"
mkdir -p "$out"
cat >"$out/spec.json" <<'JSON'
{
  "name": "slurm_overhead",
  "base_model": {"architecture": {"hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
                                  "num_attention_heads": 4, "num_key_value_heads": 2,
                                  "max_position_embeddings": 64},
                 "pretraining": {"steps": 30, "batch_size": 8, "seq_len": 32}},
  "task": {"name": "reverse", "min_len": 3, "max_len": 4, "train_items": 100, "eval_items": 10},
  "training": {"steps": 20, "batch_size": 8, "log_every": 5},
  "methods": [{"method": "lora", "rank": 4, "alpha": 8}],
  "seeds": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
            16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31],
  "evaluation": {"task_accuracy": {}},
  "execution": {"threads": 1}
}
JSON
slots=$(nproc)

# One sweep per backend, each in its own results folder with the base model copied in.
"$bin" run "$out/spec.json" --out "$out/warmup" seeds=[0] >/dev/null 2>&1
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
      'x)' FROM attempts WHERE outcome = 'done'"
done
