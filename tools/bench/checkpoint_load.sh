#!/usr/bin/env bash
# Loading a Llama-3.2-1B-shaped BF16 Hugging Face checkpoint (written once with random
# weights, ~2.5 GB) vs reading its files once from the page cache, and the load's peak
# resident memory vs the fp32 model plus its largest tensor. Run from the repository root
# after tools/build.sh:
#   tools/bench/checkpoint_load.sh [FOLDER]
set -euo pipefail
bench=build/bench_checkpoint_load
folder=${1:-/tmp/tunebench-llama-3.2-1b-shape}
[ -f "$folder/config.json" ] || "$bench" --write "$folder"
cat "$folder"/*.safetensors > /dev/null  # into the page cache
run() { "$bench" --folder "$folder" --benchmark_filter="$1" --benchmark_format=json 2>/dev/null; }
# Three rounds, interleaved (timings on a shared machine swing): medians.
rounds=()
for _ in 1 2 3; do
  rounds+=("$(run 'read_files_once')" "$(run 'touch_fp32_model_memory')" "$(run 'load_hf_model')")
done
python3 - "${rounds[@]}" <<'PY'
import json, statistics, sys
runs = [json.loads(a)["benchmarks"][0] for a in sys.argv[1:]]
def median_of(kind):
    rows = [r for r in runs if r["name"].startswith("CheckpointLoad/" + kind)]
    best = sorted(rows, key=lambda r: r["real_time"])[len(rows) // 2]
    return best, statistics.median(r["real_time"] for r in rows)
read, read_ms = median_of("read_files_once")
touch, touch_ms = median_of("touch_fp32_model_memory")
load, load_ms = median_of("load_hf_model")
print("| | time (s), median of 3 | peak RSS (MiB) |\n|---|---:|---:|")
print(f"| read the {read['GiB']:.2f} GiB of files once | {read_ms / 1e3:.2f} | |")
print(f"| touch fresh memory the size of the fp32 model | {touch_ms / 1e3:.2f} | |")
print(f"| load_hf_model ({load['parameters_M']:.0f}M parameters to fp32) | {load_ms / 1e3:.2f} "
      f"| {load['peak_rss_MiB']:.0f} |")
print(f"| fp32 model + largest tensor | | {load['fp32_model_MiB'] + load['largest_tensor_MiB']:.0f} |")
print(f"\nload / read = {load_ms / read_ms:.2f}; load / (read + touch) = {load_ms / (read_ms + touch_ms):.2f}; RSS before loading "
      f"{load['rss_before_MiB']:.0f} MiB (LibTorch itself)")
PY
