#include "harness/train/base_model_source.h"

#include "harness/common/check.h"
#include "harness/model/checkpoint_identity.h"
#include "harness/model/hf_checkpoint.h"
#include "harness/model/model_io.h"
#include "harness/model/peft_adapter_merge.h"
#include "harness/train/pretrain.h"

namespace tb {

bool is_checkpoint_base(const nlohmann::json& base_model) { return base_model.contains("checkpoint"); }

bool base_model_ready(const std::filesystem::path& models_dir, const nlohmann::json& base_model) {
  return is_checkpoint_base(base_model) || std::filesystem::exists(base_model_path(models_dir, base_model));
}

namespace {

// The folder named by entry {"path", "sha256"}, whose files must still have that identity.
std::filesystem::path unchanged_folder(const nlohmann::json& entry, std::string (*identity)(const std::filesystem::path&)) {
  const std::filesystem::path folder = entry.at("path").get<std::string>();
  if (identity(folder) != entry.at("sha256").get<std::string>()) {
    throw UserError(folder.string() + ": the files changed since the sweep was validated (its runs are keyed by "
                    "their content); restore them or start a new sweep");
  }
  return folder;
}

}  // namespace

LlamaForCausalLM load_base_model(const std::filesystem::path& models_dir, const nlohmann::json& base_model) {
  if (!is_checkpoint_base(base_model)) return load_model(base_model_path(models_dir, base_model));
  LlamaForCausalLM model = load_hf_model(unchanged_folder(base_model.at("checkpoint"), checkpoint_identity));
  if (base_model.contains("adapter"))
    merge_peft_adapter(model, unchanged_folder(base_model.at("adapter"), peft_adapter_identity));
  return model;
}

std::string base_model_identity(const nlohmann::json& base_model) {
  if (!is_checkpoint_base(base_model)) return "";
  std::string identity = base_model.at("checkpoint").at("sha256").get<std::string>();
  if (base_model.contains("adapter")) identity += "+" + base_model.at("adapter").at("sha256").get<std::string>();
  return identity;
}

PretrainOptions base_model_mixture(const nlohmann::json& base_model) {
  if (is_checkpoint_base(base_model)) return PretrainOptions{};
  return PretrainOptions::from_json(base_model.at("pretraining"));
}

}  // namespace tb
