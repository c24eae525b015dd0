// Training-step throughput of every registered method on the quickstart model, in
// tokens per second (every input position, prompt and padding included) and
// loss-bearing tokens per second, with each method's trainable parameters, optimiser
// state and the process's peak resident memory. Peak memory is per process, so run one
// method per process; tools/bench/methods.sh does that. From the repository root:
//   OMP_NUM_THREADS=1 build/bench_train_step --benchmark_filter='TrainStep/lora$'
// The on-policy methods sample their own batches: GrpoStep/<parameters> times a GRPO step
// (16 chain-arithmetic prompts x G = 8 completions of up to 4 tokens, beta 0.04) split into
// generation, scoring (rewards, reference log-probabilities) and the update (policy
// forward, backward, AdamW), in milliseconds per step:
//   OMP_NUM_THREADS=1 build/bench_train_step --benchmark_filter='GrpoStep'
#include <benchmark/benchmark.h>

#include <fstream>
#include <map>
#include <string>

#include "harness/data/chain_task.h"
#include "harness/text/byte_tokenizer.h"
#include "harness/model/model_io.h"
#include "harness/train/trainer.h"
#include "harness/train/verifier.h"
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

void grpo_steps(benchmark::State& state, const std::string& parameters) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  LlamaForCausalLM model(bench::quickstart_config());
  LlamaForCausalLM reference(model->config, WeightInit::kEmpty);
  load_model_state(*reference, model_state(*model));
  const TaskData data = make_task_data(ChainTask(1, 4, ChainFormat::kDirect), 2000, 10, 0);
  const nlohmann::json task = {{"name", "chain_arithmetic"}, {"format", "direct"}};
  const MethodInfo& info = *find_method("grpo");
  nlohmann::json hp = bench_hyperparameters(info);
  hp["parameters"] = parameters;
  hp["max_new_tokens"] = 4;
  auto method = info.make(hp);
  MethodContext context{1000, {}, &byte_tokenizer()};
  context.data = &data;
  context.verifier = make_verifier(task, data, byte_tokenizer());
  context.reference = reference;
  context.batch_size = 16;
  const auto params = method->prepare(model, context);
  TrainingOptions o;
  o.steps = 5;
  o.warmup_steps = 0;
  o.log_every = 1;
  std::map<std::string, double> seconds;
  const auto sink = [&](int64_t, const std::string& name, double v) {
    if (name.size() > 8 && name.substr(name.size() - 8) == "_seconds") seconds[name] += v;
  };
  train(model, params, o, {}, method.get(), sink);  // warm-up
  seconds.clear();
  int64_t steps = 0;
  for (auto _ : state) {
    train(model, params, o, {}, method.get(), sink);
    steps += o.steps;
  }
  for (const char* phase : {"generation", "scoring", "update"}) {
    state.counters[std::string(phase) + "_ms"] = 1e3 * seconds[std::string(phase) + "_seconds"] / double(steps);
  }
  state.counters["steps/s"] = benchmark::Counter(double(o.steps), benchmark::Counter::kIsIterationInvariantRate);
}

const bool registered = [] {
  for (const char* parameters : {"full", "lora"}) {
    benchmark::RegisterBenchmark((std::string("GrpoStep/") + parameters).c_str(),
                                 [parameters](benchmark::State& s) { grpo_steps(s, parameters); })
        ->Unit(benchmark::kMillisecond)
        ->MinTime(2.0);
  }
  for (const auto& info : all_methods()) {
    if (info.posthoc()) continue;  // they train nothing
    if (info.needs_verifier != nullptr) continue;  // they sample their own batches: GrpoStep
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
