#!/usr/bin/env bash
# Encoding speed of tunebench's HfTokenizer next to Hugging Face's JavaScript tokenizers
# (@huggingface/tokenizers), same text (tests/data/tokenizers/bench_english.txt) and same
# tokenizer.json, one core each: MB/s of both (median of repetitions, caches warm) and the
# ratio. Both count the same number of tokens, or the comparison is void.
# Needs build/bench_tokenizer (tools/build.sh with benchmarks) and node with the reference
# packages (tools/setup.sh --tests).
# Usage (from the repository root): tools/bench/tokenizer_vs_js.sh [llama3|qwen3|llama2]
set -euo pipefail
cd "$(dirname "$0")/../.."
name="${1:-llama3}"
bench="${BENCH_TOKENIZER:-build/bench_tokenizer}"
[ -x "$bench" ] || { echo "$bench is missing: build the benchmarks first (tools/build.sh)" >&2; exit 1; }
[ -d tools/reference/node_modules/@huggingface/tokenizers ] ||
  { echo "the reference packages are missing: run tools/setup.sh --tests" >&2; exit 1; }

ours_json="$(mktemp)"
trap 'rm -f "$ours_json"' EXIT
"$bench" --benchmark_filter="^BM_Encode/${name}\$" --benchmark_repetitions=9 \
  --benchmark_report_aggregates_only=true --benchmark_format=json > "$ours_json"
js_line="$(node tools/reference/bench_tokenizer.mjs "$name")"

node - "$ours_json" "$js_line" "$name" <<'JS'
const fs = require("fs");
const [ours_file, js_line, name] = process.argv.slice(2);
const median = JSON.parse(fs.readFileSync(ours_file, "utf8")).benchmarks.find(
  (b) => b.aggregate_name === "median");
const js = JSON.parse(js_line);
const ours_mb = median.bytes_per_second / 1e6;
console.log(`${name}, ${js.bytes} bytes of English, ${js.tokens} tokens (JS) / ${median.tokens} (tunebench)`);
console.log(`tunebench HfTokenizer:   ${ours_mb.toFixed(2)} MB/s (median of 9)`);
console.log(`@huggingface/tokenizers: ${js.mb_per_s.toFixed(2)} MB/s (median of ${js.repetitions})`);
console.log(`ratio tunebench / JS:    ${(ours_mb / js.mb_per_s).toFixed(1)}x`);
if (js.tokens !== median.tokens) {
  console.error("token counts differ: the two do not encode the same way");
  process.exit(1);
}
JS
