#include "harness/train/base_model_source.h"

#include "harness/common/check.h"
#include "harness/model/checkpoint_identity.h"
#include "harness/model/hf_checkpoint.h"
#include "harness/model/model_io.h"
#include "harness/train/pretrain.h"

namespace tb {

bool is_checkpoint_base(const nlohmann::json& base_model) { return base_model.contains("checkpoint"); }

bool base_model_ready(const std::filesystem::path& models_dir, const nlohmann::json& base_model) {
  return is_checkpoint_base(base_model) || std::filesystem::exists(base_model_path(models_dir, base_model));
}

LlamaForCausalLM load_base_model(const std::filesystem::path& models_dir, const nlohmann::json& base_model) {
  if (!is_checkpoint_base(base_model)) return load_model(base_model_path(models_dir, base_model));
  const auto& entry = base_model.at("checkpoint");
  const std::filesystem::path folder = entry.at("path").get<std::string>();
  if (checkpoint_identity(folder) != entry.at("sha256").get<std::string>()) {
    throw UserError(folder.string() + ": the checkpoint's files changed since the sweep was validated (its runs "
                    "are keyed by their content); restore them or start a new sweep");
  }
  return load_hf_model(folder);
}

PretrainOptions base_model_mixture(const nlohmann::json& base_model) {
  if (is_checkpoint_base(base_model)) return PretrainOptions{};
  return PretrainOptions::from_json(base_model.at("pretraining"));
}

}  // namespace tb
