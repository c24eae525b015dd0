#!/usr/bin/env bash
# Writes tests/data/hf/exports/: what `tunebench export-model` makes of short runs on the
# tests/data/hf/llama_gqa_tied checkpoint, for tools/reference/make_transformers_fixtures.py
# --exports to load in transformers and PEFT:
#   <method>_model/    the merged model (full_ft, lora, dora, pissa, ia3; lora also as bfloat16)
#   <method>_adapter/  the PEFT adapter (lora, dora, pissa, ia3, prompt_tuning), its
#                      base_model_name_or_path made relative to the adapter folder
# Needs a build (tools/build.sh) and python3. The runs are seeded: the same build gives the
# same files.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/tests/data/hf/exports
tunebench=$root/build/tunebench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/spec.json" <<EOF
{
  "name": "exports",
  "base_model": {"path": "$root/tests/data/hf/llama_gqa_tied"},
  "task": {"name": "reverse", "min_len": 3, "max_len": 4, "train_items": 60, "eval_items": 8},
  "training": {"steps": 6, "batch_size": 4},
  "methods": [{"method": "full_ft", "lr": 1e-3},
              {"method": "lora", "rank": 2, "alpha": 4, "target_modules": ["q_proj", "v_proj", "down_proj"], "lr": 1e-2},
              {"method": "dora", "rank": 2, "alpha": 4, "lr": 1e-2},
              {"method": "pissa", "rank": 2, "alpha": 4, "lr": 1e-2},
              {"method": "ia3", "lr": 1e-2},
              {"method": "prompt_tuning", "num_virtual_tokens": 3, "lr": 1e-2}],
  "seeds": [0],
  "evaluation": {"task_accuracy": {}}
}
EOF
"$tunebench" run "$tmp/spec.json" --out "$tmp/results"

run_of() {
  python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(
      'SELECT key FROM runs WHERE method = ?', (sys.argv[2],)).fetchone()[0])" "$tmp/results/tunebench.sqlite" "$1"
}

rm -rf "$out"
mkdir -p "$out"
for method in full_ft lora dora pissa ia3; do
  "$tunebench" export-model "$(run_of $method)" --to "$out/${method}_model" --out "$tmp/results"
done
"$tunebench" export-model "$(run_of lora)" --dtype bfloat16 --to "$out/lora_model_bf16" --out "$tmp/results"
for method in lora dora pissa ia3 prompt_tuning; do
  "$tunebench" export-model "$(run_of $method)" --adapter --to "$out/${method}_adapter" --out "$tmp/results"
  python3 - "$out/${method}_adapter/adapter_config.json" <<'EOF'
import json, os, sys
path = sys.argv[1]
config = json.load(open(path))
config["base_model_name_or_path"] = os.path.relpath(config["base_model_name_or_path"], os.path.dirname(path))
json.dump(config, open(path, "w"), indent=2)
EOF
done
echo "wrote $(ls "$out" | wc -l) folders into tests/data/hf/exports"
