// Greedy generation speed on the quickstart model, with and without the KV cache, in
// generated tokens per second; the argument is the number of new tokens after a
// 10-token prompt. Run from the repository root:
//   OMP_NUM_THREADS=1 build/bench_generate
#include <benchmark/benchmark.h>

#include "harness/model/generate.h"
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

BENCHMARK(BM_Generate_KVCache)->Arg(8)->Arg(32)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Generate_NoCache)->Arg(8)->Arg(32)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tb

BENCHMARK_MAIN();
