// Hugging Face model folders in and out: config.json plus model.safetensors, or shards
// listed by model.safetensors.index.json ({"weight_map": {tensor: file}}), as
// transformers' save_pretrained writes them.
#pragma once
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/model/llama.h"

namespace tb {

// The folder's weight files: model.safetensors, or every shard the index names.
// UserError when there are none or a listed shard is missing.
std::vector<std::filesystem::path> hf_weight_files(const std::filesystem::path& folder);

// Builds the model from config.json without random initialisation and fills it tensor by
// tensor (F32, BF16 and F16 converted to float32). UserError naming the tensor (and both
// shapes) for a missing, unexpected or mis-shaped tensor. Ignored, as transformers
// ignores them: rotary_emb.inv_freq buffers and lm_head.weight of a tied model.
LlamaForCausalLM load_hf_model(const std::filesystem::path& folder);

struct HfExportOptions {
  std::string torch_dtype = "float32";  // or "bfloat16"
  uint64_t max_shard_bytes = 5'000'000'000;  // transformers' max_shard_size "5GB"
  nlohmann::json token_ids;  // {"bos_token_id", "eos_token_id", "pad_token_id"} when known
  std::filesystem::path tokenizer_folder;  // its tokenizer files are copied; empty: none
};

// Writes config.json, generation_config.json, the weights (sharded past max_shard_bytes,
// with the index) and the tokenizer files into `folder`, which must not exist yet; the
// folder appears complete or not at all (written beside it, then renamed).
void save_hf_model(LlamaForCausalLM& model, const std::filesystem::path& folder, const HfExportOptions& options);

// A trained adapter in PEFT's on-disk form (huggingface/peft save_pretrained):
// adapter_config.json's fields and adapter_model.safetensors' tensors under PEFT's key
// names ("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").
struct PeftAdapter {
  nlohmann::json config;
  std::map<std::string, torch::Tensor> tensors;
};

// Writes adapter_config.json and adapter_model.safetensors into `folder`, which must not
// exist; complete or not at all (written beside it, then renamed).
void save_peft_adapter(const PeftAdapter& adapter, const std::filesystem::path& folder);

}  // namespace tb
