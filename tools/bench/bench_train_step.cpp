// Training-step throughput of full fine-tuning and LoRA on the quickstart model, in
// tokens per second (every input position, prompt and padding included) and loss-bearing
// tokens per second. Run from the repository root:
//   OMP_NUM_THREADS=1 build/bench_train_step
#include <benchmark/benchmark.h>

#include "harness/train/trainer.h"
#include "methods/full_ft.h"
#include "methods/lora.h"
#include "tools/bench/bench_model.h"

namespace tb {
namespace {

void run_steps(benchmark::State& state, Method& method) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  LlamaForCausalLM model(bench::quickstart_config());
  const auto params = method.prepare(model);
  const Batch batch = bench::quickstart_batch();
  TrainingOptions o;
  o.steps = 1;
  o.warmup_steps = 0;
  o.log_every = 1;
  const auto sink = [](int64_t, const std::string&, double) {};
  train(model, params, o, [&](int64_t) { return batch; }, &method, sink);  // warm-up
  o.steps = 10;
  for (auto _ : state) {
    train(model, params, o, [&](int64_t) { return batch; }, &method, sink);
  }
  const double tokens = double(batch.input_ids.numel()) * o.steps;
  const double target_tokens = double((batch.labels != kIgnoreLabel).sum().item<int64_t>()) * o.steps;
  state.counters["tokens/s"] = benchmark::Counter(tokens, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["loss_tokens/s"] = benchmark::Counter(target_tokens, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["steps/s"] = benchmark::Counter(o.steps, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_TrainStep_FullFT(benchmark::State& state) {
  FullFineTuning method;
  run_steps(state, method);
}

void BM_TrainStep_LoRA_r8_all(benchmark::State& state) {
  LoraOptions o;
  o.rank = 8;
  o.alpha = 16;
  o.target_modules = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
  Lora method(o);
  run_steps(state, method);
}

BENCHMARK(BM_TrainStep_FullFT)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_TrainStep_LoRA_r8_all)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace tb

BENCHMARK_MAIN();
