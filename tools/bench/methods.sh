#!/usr/bin/env bash
# Training-step throughput and peak memory of every method, one process per method so
# that each peak is the method's own. Run from the repository root after tools/build.sh:
#   tools/bench/methods.sh
set -euo pipefail
bench=build/bench_train_step
printf '| method | ms/10 steps | tokens/s | trainable | optimizer KiB | peak RSS MiB |\n|---|---:|---:|---:|---:|---:|\n'
for name in $("$bench" --benchmark_list_tests); do
  method=${name#TrainStep/}
  method=${method%%/*}
  # CSV columns: name, iterations, real_time, ..., loss_tokens/s, optimizer_KiB, peak_rss_MiB, tokens/s, trainable
  OMP_NUM_THREADS=1 "$bench" --benchmark_filter="^TrainStep/${method}/" --benchmark_format=csv 2>/dev/null |
    awk -F, -v m="$method" 'NR > 1 && $1 ~ /TrainStep/ {
      printf "| %s | %.1f | %.0f | %d | %.1f | %.0f |\n", m, $3, $14, $15, $12, $13 }'
done
