// Hugging Face config.json <-> LlamaConfig for the decoder families tunebench runs:
// LlamaForCausalLM (Llama 2/3/3.x, TinyLlama, SmolLM), Qwen2ForCausalLM, Qwen3ForCausalLM
// and MistralForCausalLM, as transformers' configuration_*.py define their fields and
// defaults (both the v4 "rope_theta"/"rope_scaling" and the v5 "rope_parameters" forms).
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/model/llama_config.h"

namespace tb {

// The architectures read_hf_config accepts, for messages and the README's table.
const std::vector<std::string>& supported_hf_architectures();

// Reads <folder>/config.json. UserError naming the file, the JSON path and what was
// expected for anything missing, malformed or unsupported (architecture, activation, RoPE
// scaling type, layer shapes).
LlamaConfig read_hf_config(const std::filesystem::path& folder);
LlamaConfig hf_config_from_json(const nlohmann::json& j, const std::string& file);

// The config.json transformers loads the model with: the family's class when its flags
// fit it, else LlamaForCausalLM (a Qwen2 model whose o_proj gained a bias is a Llama with
// attention_bias). UserError when no transformers class expresses the model (virtual
// tokens, Qwen3 norms with MLP biases). `torch_dtype`: "float32" or "bfloat16".
nlohmann::ordered_json hf_config_json(const LlamaConfig& c, const std::string& torch_dtype,
                                      const nlohmann::json& token_ids);

}  // namespace tb
