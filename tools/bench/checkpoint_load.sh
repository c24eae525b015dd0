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
read_json=$(run 'read_files_once')
load_json=$(run 'load_hf_model')
python3 - "$read_json" "$load_json" <<'PY'
import json, sys
read = json.loads(sys.argv[1])["benchmarks"][0]
load = json.loads(sys.argv[2])["benchmarks"][0]
print("| | time (s) | peak RSS (MiB) |\n|---|---:|---:|")
print(f"| read the {read['GiB']:.2f} GiB of files once | {read['real_time'] / 1e3:.2f} | |")
print(f"| load_hf_model ({load['parameters_M']:.0f}M parameters to fp32) | {load['real_time'] / 1e3:.2f} "
      f"| {load['peak_rss_MiB']:.0f} |")
print(f"| fp32 model + largest tensor | | {load['fp32_model_MiB'] + load['largest_tensor_MiB']:.0f} |")
print(f"\nload / read = {load['real_time'] / read['real_time']:.2f}; RSS before loading "
      f"{load['rss_before_MiB']:.0f} MiB (LibTorch itself)")
PY
