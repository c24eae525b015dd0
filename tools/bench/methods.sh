#!/usr/bin/env bash
# Training-step throughput and peak memory of every method, one process per method so
# that each peak is the method's own. Run from the repository root after tools/build.sh:
#   tools/bench/methods.sh
set -euo pipefail
bench=build/bench_train_step
methods=$("$bench" --benchmark_list_tests | sed -n 's|^TrainStep/||p')
printf '| method | ms/10 steps | tokens/s | trainable | optimizer KiB | peak RSS MiB |\n|---|---:|---:|---:|---:|---:|\n'
for m in $methods; do
  OMP_NUM_THREADS=1 "$bench" --benchmark_filter="^TrainStep/${m}\$" --benchmark_format=json 2>/dev/null |
    python3 -c '
import json, sys
b = json.load(sys.stdin)["benchmarks"][0]
print("| %s | %.1f | %.0f | %d | %.1f | %.0f |" % (b["name"].split("/")[1], b["real_time"], b["tokens/s"],
      b["trainable"], b["optimizer_KiB"], b["peak_rss_MiB"]))'
done
