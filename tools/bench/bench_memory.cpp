// Peak resident memory of one training step of MeZO against full fine-tuning with AdamW
// and against inference (a forward pass without gradients), on a model large enough
// (about 100M parameters, 400 MiB of fp32 weights) for the weights and optimiser state to
// dominate LibTorch's own footprint. Peak memory is per process: run one mode per process
// (tools/bench/memory.sh does). From the repository root:
//   build/bench_memory --benchmark_filter='Memory/mezo/'
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

#include "harness/train/trainer.h"
#include "methods/method.h"
#include "methods/registry.h"
#include "tools/bench/bench_model.h"

namespace tb {
namespace {

LlamaConfig large_config() {
  LlamaConfig c;
  c.hidden_size = 1024;
  c.intermediate_size = 2816;
  c.num_hidden_layers = 8;
  c.num_attention_heads = 16;
  c.num_key_value_heads = 16;
  c.max_position_embeddings = 128;
  return c;
}

Batch random_batch() {
  const auto ids = torch::randint(0, 256, {8, 64}, torch::kInt64);
  return {ids, ids.roll(-1, 1), torch::Tensor()};
}

// mode: "inference", or a method name trained for 2 steps.
void run(benchmark::State& state, const std::string& mode) {
  torch::manual_seed(0);
  LlamaForCausalLM model(large_config());
  const Batch batch = random_batch();
  int64_t parameters = 0;
  for (const auto& p : model->parameters()) parameters += p.numel();
  for (auto _ : state) {
    if (mode == "inference") {
      torch::NoGradGuard no_grad;
      model->eval();
      benchmark::DoNotOptimize(causal_lm_loss(model->forward(batch.input_ids), batch.labels).item<double>());
      continue;
    }
    nlohmann::json hp = {{"method", mode == "mezo_lora" ? "mezo" : mode}};
    const MethodInfo* info = find_method(hp.at("method").get<std::string>());
    for (const auto& f : info->hyperparameters) hp[f.name] = f.default_value;
    if (mode == "mezo_lora") hp["parameters"] = "lora";
    auto method = info->make(hp);
    TrainingOptions o;
    o.steps = 2;
    o.warmup_steps = 0;
    o.lr = 1e-6;
    const auto params = method->prepare(model, MethodContext{o.steps, [&](int64_t) { return batch; }});
    train(model, params, o, [&](int64_t) { return batch; }, method.get(), [](int64_t, const std::string&, double) {});
  }
  state.counters["parameters_M"] = double(parameters) / 1e6;
  state.counters["weights_MiB"] = double(parameters) * 4.0 / (1 << 20);
  state.counters["peak_rss_MiB"] = bench::peak_resident_mib();
}

const bool registered = [] {
  for (const std::string mode : {"inference", "mezo", "mezo_lora", "full_ft"}) {
    benchmark::RegisterBenchmark(("Memory/" + mode).c_str(), [mode](benchmark::State& s) { run(s, mode); })
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1);
  }
  return true;
}();

}  // namespace
}  // namespace tb

BENCHMARK_MAIN();
