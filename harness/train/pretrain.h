// Pretraining tunebench's own base model on the synthetic mixture, and the on-disk cache
// of base models keyed by the hash of their spec (architecture + pretraining).
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/model/llama.h"
#include "harness/train/trainer.h"

namespace tb {

// <models_dir>/<base_model_key>/model.safetensors
std::filesystem::path base_model_path(const std::filesystem::path& models_dir, const nlohmann::json& base_model);

// Trains a fresh model from the validated base_model section; deterministic for a seed
// and thread count.
LlamaForCausalLM pretrain_base_model(const nlohmann::json& base_model, const MetricSink& sink);

}  // namespace tb
