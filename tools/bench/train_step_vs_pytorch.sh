#!/usr/bin/env bash
# tunebench's training step side by side with the same model in eager PyTorch from Python
# (tools/bench/train_step_peer.py, Debian's python3-torch: torch 1.13, the LibTorch that
# tunebench links), full fine-tuning and LoRA, one thread each, at the quickstart's shape
# (32 rows of 17 input positions, 6 of them loss-bearing). Each side runs 3 times
# alternately; the figures are medians of milliseconds per step.
# Needs python3-torch (apt-get install python3-torch).
# Usage (from the repository root, after tools/build.sh): tools/bench/train_step_vs_pytorch.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
python=""
for candidate in python3 /usr/bin/python3; do  # Debian's python3 has python3-torch
  if "$candidate" -c "import torch" 2>/dev/null; then python="$candidate"; break; fi
done
[ -n "$python" ] || { echo "needs python3-torch (apt-get install python3-torch)" >&2; exit 1; }
export OMP_NUM_THREADS=1
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for mode in full_ft lora; do
  ours=() peer=()
  for i in 1 2 3; do
    # CSV: name, iterations, real_time (ms per 10 steps), ...
    ours+=("$(build/bench_train_step --benchmark_filter="^TrainStep/${mode}/" --benchmark_format=csv 2>/dev/null |
      awk -F, '$1 ~ /TrainStep/ { print $3 / 10 }')")
    peer+=("$("$python" tools/bench/train_step_peer.py --modes "$mode" | awk '{ print $2 }')")
  done
  o=$(printf '%s\n' "${ours[@]}" | median)
  p=$(printf '%s\n' "${peer[@]}" | median)
  awk -v m="$mode" -v o="$o" -v p="$p" 'BEGIN {
    printf "%s: tunebench %.2f ms/step (%.0f tokens/s), eager PyTorch %.2f ms/step (%.0f tokens/s): %.2fx\n",
      m, o, 544 / o * 1000, p, 544 / p * 1000, p / o }'
done
