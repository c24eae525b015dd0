// Training-step throughput of every registered method on the quickstart model, in
// tokens per second (every input position, prompt and padding included) and
// loss-bearing tokens per second, with each method's trainable parameters, optimiser
// state and the process's peak resident memory. Peak memory is per process, so run one
// method per process; tools/bench/methods.sh does that. From the repository root:
//   OMP_NUM_THREADS=1 build/bench_train_step --benchmark_filter='TrainStep/lora$'
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

#include "harness/train/trainer.h"
#include "methods/method.h"
#include "methods/registry.h"
#include "tools/bench/bench_model.h"

namespace tb {
namespace {

// The method's defaults, with what a comparable run needs (BitFit must add biases;
// the LoRA family adapts every projection at rank 8, alpha 16).
nlohmann::json bench_hyperparameters(const MethodInfo& info) {
  nlohmann::json hp = {{"method", info.name}};
  for (const auto& f : info.hyperparameters) hp[f.name] = f.default_value;
  if (info.name == "bitfit") hp["add_biases"] = true;
  if (hp.contains("rank") && hp.contains("alpha")) {
    hp["alpha"] = 16.0;
    hp["target_modules"] = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                            "gate_proj", "up_proj", "down_proj"};
  }
  return hp;
}

void run_steps(benchmark::State& state, const MethodInfo& info) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  LlamaForCausalLM model(bench::quickstart_config());
  const Batch batch = bench::quickstart_batch();
  auto method = info.make(bench_hyperparameters(info));
  TrainingOptions o;
  o.steps = 10;
  o.warmup_steps = 0;
  o.log_every = 1;
  const auto params = method->prepare(model, MethodContext{1000, [&](int64_t) { return batch; }});
  const auto sink = [](int64_t, const std::string&, double) {};
  TrainSummary summary = train(
      model, params, o, [&](int64_t) { return batch; }, method.get(), sink);  // warm-up
  for (auto _ : state) {
    summary = train(
        model, params, o, [&](int64_t) { return batch; }, method.get(), sink);
  }
  int64_t trainable = 0;
  for (const auto& p : params) trainable += p.numel();
  const double tokens = double(batch.input_ids.numel()) * double(o.steps);
  const double target_tokens =
      double((batch.labels != kIgnoreLabel).sum().item<int64_t>()) * double(o.steps);
  state.counters["tokens/s"] =
      benchmark::Counter(tokens, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["loss_tokens/s"] =
      benchmark::Counter(target_tokens, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["trainable"] = double(trainable);
  state.counters["optimizer_KiB"] = double(summary.optimizer_state_bytes) / 1024.0;
  state.counters["peak_rss_MiB"] = bench::peak_resident_mib();
}

const bool registered = [] {
  for (const auto& info : all_methods()) {
    if (info.posthoc()) continue;  // they train nothing
    benchmark::RegisterBenchmark(("TrainStep/" + info.name).c_str(),
                                 [&info](benchmark::State& s) { run_steps(s, info); })
        ->Unit(benchmark::kMillisecond)
        ->MinTime(2.0);
  }
  return true;
}();

}  // namespace
}  // namespace tb

BENCHMARK_MAIN();
