// The model-source seam: where a run's base model comes from. Either tunebench's own
// synthetic model, pretrained once and cached under <models_dir>/<key>/model.safetensors
// (train/pretrain.h), or a Hugging Face folder named by base_model.checkpoint
// ({"path", "sha256"}), loaded from its files, with the PEFT adapter named by
// base_model.adapter ({"path", "sha256", "peft_type"}) merged into its weights when there
// is one. Nothing else needs to know which.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/model/llama.h"
#include "harness/train/pretrain_options.h"

namespace tb {

bool is_checkpoint_base(const nlohmann::json& base_model);

// Whether the base model can be loaded now (a synthetic one must be pretrained first).
bool base_model_ready(const std::filesystem::path& models_dir, const nlohmann::json& base_model);

// A fresh copy of the base model. A checkpoint's (and adapter's) files must still hash to
// the identity the sweep was validated with (UserError otherwise: its runs are keyed by
// that content).
LlamaForCausalLM load_base_model(const std::filesystem::path& models_dir, const nlohmann::json& base_model);

// The content identity of a checkpoint base model (with its adapter's), for caches of the
// base model's results; "" for a synthetic one, whose model file is its identity.
std::string base_model_identity(const nlohmann::json& base_model);

// The synthetic mixture whose held-out split and control formats the forgetting suite
// uses: the base model's own pretraining, or for a checkpoint the default mixture.
PretrainOptions base_model_mixture(const nlohmann::json& base_model);

}  // namespace tb
