#include "harness/spec/context_extension_options.h"

#include <algorithm>
#include <cmath>

#include "harness/spec/grid.h"
#include "harness/spec/spec.h"
#include "harness/train/training_options.h"
#include "methods/registry.h"

namespace tb {
namespace {

const std::vector<std::string> kKeys = {"rope_scaling", "rope_factor", "rope_original_length", "pose_window"};

nlohmann::json training_default(const std::string& key) {
  for (const Field& f : training_schema())
    if (f.name == key) return f.default_value;
  return nullptr;
}

nlohmann::json cell_value(const nlohmann::json& cell, const nlohmann::json& training, const std::string& key) {
  return cell.contains(key) ? cell.at(key) : training.at(key);
}

void check_cell(const MethodInfo& info, const nlohmann::json& cell, const nlohmann::json& training,
                const LlamaConfig& base, const JsonLocation& at) {
  const std::string scaling = cell_value(cell, training, "rope_scaling").get<std::string>();
  const double factor = cell_value(cell, training, "rope_factor").get<double>();
  const int64_t original = cell_value(cell, training, "rope_original_length").get<int64_t>();
  const int64_t pose = cell_value(cell, training, "pose_window").get<int64_t>();
  if (scaling != "none" && factor <= 1)
    at.key("rope_factor").fail("rope_scaling \"" + scaling + "\" needs a factor above 1 (the extended context over "
                               "the original)");
  if (scaling != "none" && !base.rope_scaling.type.empty())
    at.key("rope_scaling").fail("the base model already has a rope_scaling (" + base.rope_scaling.type +
                                "); scaling it again is not supported");
  if (original > base.max_position_embeddings)
    at.key("rope_original_length").fail("exceeds the base model's max_position_embeddings (" +
                                        std::to_string(base.max_position_embeddings) + ")");
  if (pose > 0 && info.needs_verifier != nullptr && info.needs_verifier(cell))
    at.key("pose_window").fail(info.name + " samples its own training sequences; PoSE applies to methods "
                               "trained on the task's batches");
  if (pose > 0 && info.name == "prompt_tuning")
    at.key("pose_window").fail("prompt tuning's virtual tokens take the first positions; PoSE does not "
                               "combine with it");
}

}  // namespace

int64_t trained_context_length(const nlohmann::json& base_model) {
  if (base_model.contains("pretraining")) return base_model.at("pretraining").at("seq_len").get<int64_t>();
  return base_model.at("architecture").at("max_position_embeddings").get<int64_t>();
}

int64_t extended_max_positions(int64_t base_max_positions, double factor, int64_t original_length) {
  return std::max(base_max_positions, int64_t(std::llround(factor * double(original_length))));
}

void check_context_extension(const std::vector<MethodEntry>& entries, const nlohmann::json& training,
                             const nlohmann::json& base_model, bool staged, const JsonLocation& at) {
  const LlamaConfig base = LlamaConfig::from_json(base_model.at("architecture"));
  const JsonLocation methods = at.key("methods");
  for (size_t i = 0; i < entries.size(); ++i) {
    const nlohmann::json& values = entries[i].values;
    const MethodInfo* info = find_method(values.at("method").get<std::string>());
    const bool extends = std::any_of(kKeys.begin(), kKeys.end(), [&](const std::string& k) {
      return values.contains(k) || training.at(k) != training_default(k);
    });
    if (!extends) continue;
    if (staged) methods.index(i).fail("context extension (rope_scaling, pose_window) does not run in specs "
                                      "with stages yet");
    if (info->posthoc()) methods.index(i).key("method").fail(info->name + " combines finished runs; it trains no "
                                                             "model to extend");
    for (const auto& cell : expand_sweeps(values, method_entry_schema(info->name)))
      check_cell(*info, cell, training, base, methods.index(i));
  }
}

}  // namespace tb
