// The quickstart's model shape and task batches, shared by the benchmark programs.
#pragma once
#include <torch/torch.h>

#include <fstream>
#include <string>
#include <nlohmann/json.hpp>

#include "harness/common/peak_memory.h"
#include "harness/data/reverse_task.h"
#include "harness/model/llama.h"
#include "harness/text/byte_tokenizer.h"
#include "harness/train/sft_batches.h"

namespace tb::bench {

// Architecture of experiments/quickstart.json (read from the file when run from the
// repository root, so the benchmark follows the spec).
inline LlamaConfig quickstart_config() {
  LlamaConfig c;
  std::ifstream in("experiments/quickstart.json");
  if (in) {
    const auto arch = nlohmann::json::parse(in).at("base_model").at("architecture");
    c.hidden_size = arch.value("hidden_size", c.hidden_size);
    c.intermediate_size = arch.value("intermediate_size", c.intermediate_size);
    c.num_hidden_layers = arch.value("num_hidden_layers", c.num_hidden_layers);
    c.num_attention_heads = arch.value("num_attention_heads", c.num_attention_heads);
    c.num_key_value_heads = arch.value("num_key_value_heads", c.num_key_value_heads);
    c.max_position_embeddings = arch.value("max_position_embeddings", c.max_position_embeddings);
  }
  return c;
}

// A batch of 32 reversal items of 3-5 letters, as the quickstart trains on.
inline Batch quickstart_batch() {
  ReverseTask task(3, 5);
  const TaskData data = make_task_data(task, 256, 1, 0);
  std::vector<size_t> idx;
  for (size_t i = 0; i < 32; ++i) idx.push_back(i);
  return make_sft_batch(data.train, idx, byte_tokenizer(), 1 << 20);
}

// The process's peak resident memory (VmHWM) in MiB.
inline double peak_resident_mib() { return double(peak_resident_bytes()) / (1024.0 * 1024.0); }

}  // namespace tb::bench
