// Loading a Hugging Face checkpoint of Llama-3.2-1B's shape (1.24B parameters, BF16, tied
// embeddings, llama3 RoPE scaling; random weights written by tunebench) into the fp32
// model, against reading the same files once from the page cache; and the load's peak
// resident memory against the fp32 model plus its largest tensor. Also timed: touching
// fresh memory the size of the fp32 model, which any loader pays on top of reading. One benchmark per
// process so that each peak is its own; tools/bench/checkpoint_load.sh writes the folder
// once (bench_checkpoint_load --write DIR) and runs both:
//   tools/bench/checkpoint_load.sh [DIR]
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <string>

#include "harness/common/files.h"
#include "harness/model/hf_checkpoint.h"
#include "harness/model/hf_config.h"
#include "harness/model/safetensors.h"
#include "tools/bench/bench_model.h"

namespace tb {
namespace {

std::string g_folder = "/tmp/tunebench-llama-3.2-1b-shape";

LlamaConfig llama_3_2_1b_shape() {
  LlamaConfig c;
  c.vocab_size = 128256;
  c.hidden_size = 2048;
  c.intermediate_size = 8192;
  c.num_hidden_layers = 16;
  c.num_attention_heads = 32;
  c.num_key_value_heads = 8;
  c.max_position_embeddings = 131072;
  c.rms_norm_eps = 1e-5;
  c.rope_theta = 500000.0;
  c.rope_scaling = {.type = "llama3", .factor = 32, .low_freq_factor = 1, .high_freq_factor = 4,
                    .original_max_position_embeddings = 8192};
  c.tie_word_embeddings = true;
  return c;
}

// Random BF16 weights in two shards, written tensor by tensor.
void write_checkpoint(const std::string& folder) {
  torch::manual_seed(0);
  const LlamaConfig c = llama_3_2_1b_shape();
  LlamaForCausalLM model(c, WeightInit::kEmpty);
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  TensorMap shard[2];
  nlohmann::json weight_map = nlohmann::json::object();
  int64_t total = 0, i = 0;
  const int64_t count = int64_t(model->named_parameters().size());
  for (const auto& p : model->named_parameters()) {
    const int which = i++ < count / 2 ? 0 : 1;
    shard[which][p.key()] = (torch::randn(p.value().sizes()) * 0.02).to(torch::kBFloat16);
    weight_map[p.key()] = "model-0000" + std::to_string(which + 1) + "-of-00002.safetensors";
    total += p.value().numel() * 2;
  }
  for (int s = 0; s < 2; ++s)
    save_safetensors(std::filesystem::path(folder) / ("model-0000" + std::to_string(s + 1) + "-of-00002.safetensors"),
                     shard[s], {{"format", "pt"}});
  write_file_atomically(std::filesystem::path(folder) / "model.safetensors.index.json",
                        nlohmann::json{{"metadata", {{"total_size", total}}}, {"weight_map", weight_map}}.dump());
  write_file_atomically(std::filesystem::path(folder) / "config.json", hf_config_json(c, "bfloat16", {}).dump(2));
}

// Every byte of the weight files, read once into a 64 MiB buffer.
void read_files_once(benchmark::State& state) {
  std::vector<char> buffer(64 << 20);
  uint64_t bytes = 0;
  for (auto _ : state) {
    bytes = 0;
    for (const auto& file : hf_weight_files(g_folder)) {
      const int fd = ::open(file.c_str(), O_RDONLY);
      ssize_t n;
      while ((n = ::read(fd, buffer.data(), buffer.size())) > 0) bytes += uint64_t(n);
      ::close(fd);
    }
  }
  state.counters["GiB"] = double(bytes) / (1 << 30);
}

// The floor any loader pays besides reading: fresh memory for the fp32 model, which the
// kernel zeroes page by page on first touch, written once.
void touch_fp32_model_memory(benchmark::State& state) {
  int64_t parameters = 0;
  for (const auto& p : LlamaForCausalLM(llama_3_2_1b_shape(), WeightInit::kEmpty)->parameters()) parameters += p.numel();
  for (auto _ : state) {
    auto memory = torch::empty({parameters}, torch::kFloat32);
    std::memset(memory.data_ptr(), 0, size_t(parameters) * 4);
    benchmark::DoNotOptimize(memory.data_ptr());
  }
}

void load_checkpoint(benchmark::State& state) {
  const double before = bench::peak_resident_mib();
  int64_t parameters = 0, largest = 0;
  for (auto _ : state) {
    LlamaForCausalLM model = load_hf_model(g_folder);
    for (const auto& p : model->parameters()) {
      parameters += p.numel();
      largest = std::max(largest, p.numel());
    }
  }
  state.counters["parameters_M"] = double(parameters) / 1e6;
  state.counters["fp32_model_MiB"] = double(parameters) * 4 / (1 << 20);
  state.counters["largest_tensor_MiB"] = double(largest) * 4 / (1 << 20);
  state.counters["rss_before_MiB"] = before;
  state.counters["peak_rss_MiB"] = bench::peak_resident_mib();
}

BENCHMARK(read_files_once)->Name("CheckpointLoad/read_files_once")->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(touch_fp32_model_memory)->Name("CheckpointLoad/touch_fp32_model_memory")->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(load_checkpoint)->Name("CheckpointLoad/load_hf_model")->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace tb

int main(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--folder") == 0) tb::g_folder = argv[i + 1];
    if (std::strcmp(argv[i], "--write") == 0) {
      tb::write_checkpoint(argv[i + 1]);
      return 0;
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
