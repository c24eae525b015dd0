#!/usr/bin/env bash
# tunebench against Hugging Face transformers + PEFT (eager PyTorch) on one GPU, side by
# side: LoRA r16 on every projection of a Llama-3.2-1B-shaped model (bf16, sequences of
# 2048) and full fine-tuning of a SmolLM-135M-shaped model, random weights, the same
# optimiser. For each, the largest batch both sides fit (tried from 32 down), then three
# alternating timings of 10 steps each (after 3 warm-up steps); medians of tokens per
# second, peak GPU memory and the model FLOPs utilisation against PEAK_TFLOPS (dense bf16;
# default 790, the H200's measured figure).
# Needs a tunebench build with -DTUNEBENCH_CUDA=ON in BUILD_DIR (default build-gpu; see
# docs/gpus.md, "Building on a GPU machine") and python3 with torch 2.x, transformers and peft.
# Usage (from the repository root): tools/bench/gpu_vs_peft.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
peak=${PEAK_TFLOPS:-790}
build_dir=${BUILD_DIR:-build-gpu}
ours() { "$build_dir"/bench_gpu_step --device cuda --dtype bf16 "$@" 2>/dev/null | tail -1; }
peer() { python3 tools/bench/gpu_peft_peer.py "$@" 2>/dev/null | tail -1; }
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "| model, method | batch x seq | tunebench tokens/s | PEFT tokens/s | ratio | tunebench MFU | PEFT MFU | tunebench peak GiB | PEFT peak GiB |"
echo "|---|---|---|---|---|---|---|---|---|"
for case in "llama-3.2-1b lora 2048" "smollm-135m full_ft 2048"; do
  read -r shape method seq <<<"$case"
  batch=""
  for b in 32 16 8 4 2 1; do
    o=$(ours --shape "$shape" --method "$method" --batch "$b" --seq "$seq" --steps 2 --warmup 1)
    p=$(peer --shape "$shape" --method "$method" --batch "$b" --seq "$seq" --steps 2 --warmup 1)
    if [ -n "$o" ] && [ -n "$p" ]; then batch=$b; break; fi
  done
  [ -n "$batch" ] || { echo "| $shape $method | no batch fits both |"; continue; }
  to=() tp=() mo=() mp=() flops=""
  for i in 1 2 3; do
    o=$(ours --shape "$shape" --method "$method" --batch "$batch" --seq "$seq")
    p=$(peer --shape "$shape" --method "$method" --batch "$batch" --seq "$seq")
    to+=("$(field "$o" tokens_per_second)"); mo+=("$(field "$o" peak_bytes)"); flops=$(field "$o" flops_per_token)
    tp+=("$(field "$p" tokens_per_second)"); mp+=("$(field "$p" peak_bytes)")
  done
  awk -v s="$shape" -v m="$method" -v b="$batch" -v t="$seq" -v f="$flops" -v peak="$peak" \
      -v o="$(printf '%s\n' "${to[@]}" | median)" -v p="$(printf '%s\n' "${tp[@]}" | median)" \
      -v om="$(printf '%s\n' "${mo[@]}" | median)" -v pm="$(printf '%s\n' "${mp[@]}" | median)" 'BEGIN {
    printf "| %s, %s | %d x %d | %.0f | %.0f | %.2fx | %.1f%% | %.1f%% | %.1f | %.1f |\n", s, m, b, t, o, p, o / p,
      100 * o * f / (peak * 1e12), 100 * p * f / (peak * 1e12), om / 2^30, pm / 2^30 }'
done
