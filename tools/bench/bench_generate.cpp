// Greedy generation speed on the quickstart model, with and without the KV cache, in
// generated tokens per second; the argument is the number of new tokens after a
// 10-token prompt. Sample/G is GRPO's batched sampling: 16 prompts of two lengths, G
// completions each, every row decoded with one KV cache per prompt length, in generated
// tokens per second over all rows. Run from the repository root:
//   OMP_NUM_THREADS=1 build/bench_generate
#include <benchmark/benchmark.h>

#include <ATen/CPUGeneratorImpl.h>

#include "harness/model/generate.h"
#include "harness/model/sampling.h"
#include "tools/bench/bench_model.h"

namespace tb {
namespace {

void generate(benchmark::State& state, bool use_cache) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  LlamaForCausalLM model(bench::quickstart_config());
  model->eval();
  const std::vector<int64_t> prompt = {256, 'r', 'e', 'v', '(', 'a', 'b', 'c', ')', '='};
  const int64_t new_tokens = state.range(0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(greedy_generate(model, prompt, new_tokens, use_cache, /*stop_tokens=*/{}));
  }
  state.counters["tokens/s"] = benchmark::Counter(double(new_tokens), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Generate_KVCache(benchmark::State& state) { generate(state, true); }
void BM_Generate_NoCache(benchmark::State& state) { generate(state, false); }

// GRPO's generation: 16 prompts (8 of 20 tokens, 8 of 26), G copies each, 8 new tokens.
void BM_Sample(benchmark::State& state) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  LlamaForCausalLM model(bench::quickstart_config());
  model->eval();
  const int64_t copies = state.range(0), new_tokens = 8;
  std::vector<std::vector<int64_t>> prompts;
  for (int64_t p = 0; p < 16; ++p) {
    for (int64_t c = 0; c < copies; ++c) prompts.emplace_back(size_t(p % 2 == 0 ? 20 : 26), 'a' + p);
  }
  auto generator = at::detail::createCPUGenerator(1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(sample_continuations(model, prompts, {.max_new_tokens = new_tokens}, {}, generator));
  }
  state.counters["tokens/s"] = benchmark::Counter(double(prompts.size() * new_tokens),
                                                  benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(BM_Sample)->Arg(1)->Arg(8)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Generate_KVCache)->Arg(8)->Arg(32)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Generate_NoCache)->Arg(8)->Arg(32)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tb

BENCHMARK_MAIN();
