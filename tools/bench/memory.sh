#!/usr/bin/env bash
# Peak resident memory of a MeZO step vs full fine-tuning with AdamW vs inference on a
# ~100M-parameter model, one process per mode so that each peak is its own. Run from the
# repository root after tools/build.sh:
#   tools/bench/memory.sh
set -euo pipefail
bench=build/bench_memory
printf '| mode | parameters (M) | fp32 weights MiB | peak RSS MiB | peak / inference |\n|---|---:|---:|---:|---:|\n'
inference=""
for mode in inference mezo mezo_lora full_ft; do
  # CSV columns: name, iterations, real_time, cpu_time, time_unit, bytes/s, items/s, label,
  # error_occurred, error_message, parameters_M, peak_rss_MiB, weights_MiB
  line=$("$bench" --benchmark_filter="^Memory/${mode}/" --benchmark_format=csv 2>/dev/null | grep '^"Memory/')
  peak=$(echo "$line" | awk -F, '{print $12}')
  inference=${inference:-$peak}
  echo "$line" | awk -F, -v m="$mode" -v base="$inference" '{
    printf "| %s | %.1f | %.0f | %.0f | %.2f |\n", m, $11, $13, $12, $12 / base }'
done
