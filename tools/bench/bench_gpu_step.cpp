// One shape of the GPU comparison (tools/bench/gpu_vs_peft.sh): tunebench's training step
// on a model of a real model's shape with random weights, timed after warm-up steps.
// Prints one JSON line: tokens per second (every position of every row bears loss), the
// step's milliseconds, the peak memory (GPU allocator peak on a GPU, else the process's
// peak RSS) and the model FLOPs per token the MFU is computed from:
//   full fine-tuning: 6 N + 12 L d T,  LoRA: 4 N + 12 L d T (+ the adapters' own)
// with N the weights of every matrix product (LM head included, embeddings' lookup not),
// L layers, d the width, T the sequence length (PaLM's count, Chowdhery et al. 2022,
// appendix B; a frozen weight needs no weight gradient, hence 4 N for LoRA).
//   build/bench_gpu_step --shape llama-3.2-1b --method lora --batch 4 --seq 2048 --device cuda
//   build/bench_gpu_step --shape small-128k --method full_ft --batch 8 --seq 512 --dtype fp32 --chunk 0
//     (on a CPU: the full logits; --chunk 8192 for the fused loss)
#include <torch/torch.h>

#include <chrono>
#include <iostream>
#include <map>
#include <string>

#include "harness/common/peak_memory.h"
#include "harness/exec/gpu_facts.h"
#include "harness/model/compute_precision.h"
#include "harness/model/llama.h"
#include "harness/train/trainer.h"
#include "methods/method.h"
#include "methods/registry.h"
#ifdef TUNEBENCH_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace tb {
namespace {

// Llama-3.2-1B and SmolLM-135M as their config.json give them; "small-128k": a small model
// with Llama 3's 128k-token vocabulary, where the LM head dominates (the fused loss on a
// CPU); "tiny" for a smoke test.
LlamaConfig shape_named(const std::string& name) {
  LlamaConfig c;
  if (name == "llama-3.2-1b") {
    c.vocab_size = 128256, c.hidden_size = 2048, c.intermediate_size = 8192, c.num_hidden_layers = 16;
    c.num_attention_heads = 32, c.num_key_value_heads = 8, c.rope_theta = 500000, c.tie_word_embeddings = true;
  } else if (name == "smollm-135m") {
    c.vocab_size = 49152, c.hidden_size = 576, c.intermediate_size = 1536, c.num_hidden_layers = 30;
    c.num_attention_heads = 9, c.num_key_value_heads = 3, c.rope_theta = 10000, c.tie_word_embeddings = true;
  } else if (name == "small-128k") {
    c.vocab_size = 128256, c.hidden_size = 256, c.intermediate_size = 512, c.num_hidden_layers = 2;
    c.num_attention_heads = 4, c.num_key_value_heads = 2, c.tie_word_embeddings = true;
  } else {
    TORCH_CHECK(name == "tiny", "unknown shape ", name, " (llama-3.2-1b, smollm-135m, small-128k or tiny)");
    c.vocab_size = 512, c.hidden_size = 64, c.intermediate_size = 128, c.num_hidden_layers = 2;
    c.num_attention_heads = 4, c.num_key_value_heads = 2;
  }
  c.max_position_embeddings = 4096;
  return c;
}

double flops_per_token(LlamaForCausalLM& model, bool full, int64_t seq) {
  double matrix_weights = 0;
  for (const auto& [name, proj] : model->projections()) matrix_weights += double(proj->weight.numel());
  matrix_weights += double(model->config.vocab_size) * double(model->config.hidden_size);  // the head
  const double attention = 12.0 * double(model->config.num_hidden_layers) * double(model->config.hidden_size) * double(seq);
  return (full ? 6.0 : 4.0) * matrix_weights + attention;
}

std::map<std::string, std::string> arguments(int argc, char** argv) {
  std::map<std::string, std::string> out = {{"--shape", "tiny"}, {"--method", "lora"}, {"--batch", "2"},
                                            {"--seq", "64"}, {"--steps", "10"}, {"--warmup", "3"},
                                            {"--device", "cpu"}, {"--dtype", "bf16"}, {"--chunk", "8192"},
                                            {"--checkpointing", "0"}};
  for (int i = 1; i + 1 < argc; i += 2) {
    TORCH_CHECK(out.count(argv[i]), "unknown option ", argv[i]);
    out[argv[i]] = argv[i + 1];
  }
  return out;
}

void synchronize(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize();
}

int64_t peak_bytes(const torch::Device& device) {
  return device.is_cuda() ? peak_gpu_memory_bytes(device) : peak_resident_bytes();
}

int run(int argc, char** argv) {
  auto a = arguments(argc, argv);
  const torch::Device device(a["--device"] == "cuda" ? "cuda:0" : a["--device"]);
  const int64_t batch = std::stoll(a["--batch"]), seq = std::stoll(a["--seq"]);
  torch::manual_seed(0);
  LlamaForCausalLM model(shape_named(a["--shape"]));
  model->to(device);
  const bool full = a["--method"] == "full_ft";
  nlohmann::json hp = {{"name", a["--method"]}};
  for (const auto& f : find_method(a["--method"])->hyperparameters) hp[f.name] = f.default_value;
  if (!full) {  // LoRA r16 on every projection, as the comparison's PEFT side
    hp["rank"] = 16, hp["alpha"] = 32.0, hp["dropout"] = 0.0;
    hp["target_modules"] = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
  }
  auto method = find_method(a["--method"])->make(hp);
  const auto params = method->prepare(model, MethodContext{});
  TrainingOptions o;
  o.batch_size = batch, o.lr = 1e-4, o.warmup_steps = 0, o.schedule = "constant", o.log_every = 1000000;
  o.dtype = a["--dtype"], o.vocabulary_chunk = std::stoll(a["--chunk"]), o.gradient_checkpointing = a["--checkpointing"] == "1";
  model->model->compute_dtype = compute_dtype_named(o.dtype);
  model->model->gradient_checkpointing = o.gradient_checkpointing;
  if (o.dtype == "bf16") store_weights_in(*model, torch::kBFloat16, /*every_parameter=*/false);
  const auto ids = torch::randint(model->config.vocab_size, {batch, seq + 1}, torch::kInt64).to(device);
  const Batch b{ids.narrow(1, 0, seq), ids.narrow(1, 1, seq)};
  auto steps = [&](int64_t n) {
    o.steps = n;
    train(model, params, o, [&](int64_t) { return b; }, method.get(), [](int64_t, const std::string&, double) {});
    synchronize(device);
  };
  steps(std::stoll(a["--warmup"]));
#ifdef TUNEBENCH_WITH_CUDA
  if (device.is_cuda()) c10::cuda::CUDACachingAllocator::resetPeakStats(device.index());
#endif
  const int64_t timed = std::stoll(a["--steps"]);
  const auto start = std::chrono::steady_clock::now();
  steps(timed);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double tokens = double(batch * seq * timed);
  std::cout << nlohmann::json{{"side", "tunebench"}, {"shape", a["--shape"]}, {"method", a["--method"]},
                              {"batch", batch}, {"seq", seq}, {"ms_per_step", 1000 * seconds / double(timed)},
                              {"tokens_per_second", tokens / seconds}, {"peak_bytes", peak_bytes(device)},
                              {"flops_per_token", flops_per_token(model, full, seq)}}
                   .dump()
            << std::endl;
  return 0;
}

}  // namespace
}  // namespace tb

int main(int argc, char** argv) {
  try {
    return tb::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "bench_gpu_step: " << e.what() << std::endl;
    return 1;
  }
}
