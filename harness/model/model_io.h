// A model on disk: one safetensors file whose metadata holds the LlamaConfig as JSON
// under "config", and whose tensor names are the Hugging Face names.
#pragma once
#include <filesystem>

#include "harness/model/llama.h"
#include "harness/model/safetensors.h"

namespace tb {

TensorMap model_state(torch::nn::Module& model);
// Strict: every parameter present with the same shape, no extra tensors.
void load_model_state(torch::nn::Module& model, const TensorMap& tensors);

void save_model(LlamaForCausalLM& model, const std::filesystem::path& path);
LlamaForCausalLM load_model(const std::filesystem::path& path);

}  // namespace tb
