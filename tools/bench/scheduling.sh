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
cat > "$scratch/spec.json" <<'JSON'
{
  "name": "scheduling",
  "base_model": {"architecture": {"hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
                                  "num_attention_heads": 4, "num_key_value_heads": 2,
                                  "max_position_embeddings": 64},
                 "pretraining": {"steps": 30, "batch_size": 8, "seq_len": 32}},
  "task": {"name": "reverse", "min_len": 3, "max_len": 4, "train_items": 200, "eval_items": 20},
  "training": {"steps": 150, "batch_size": 16, "log_every": 10},
  "methods": [{"method": "full_ft", "lr": [1e-3, 3e-3]}, {"method": "lora", "rank": [2, 8], "alpha": 8}],
  "seeds": [0, 1, 2, 3, 4, 5, 6, 7],
  "evaluation": {"task_accuracy": {}, "forgetting": {"sequences": 8, "seq_len": 32}},
  "execution": {"threads": 1}
}
JSON
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
