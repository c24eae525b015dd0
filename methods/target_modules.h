// Which projections a method adapts, as PEFT's target_modules: each entry is either a
// projection name ("q_proj": that projection in every layer) or a regular expression
// matched against the whole module name ("model\\.layers\\.[01]\\.self_attn\\.q_proj").
// Free of LibTorch so that spec validation can resolve targets from the model shape.
#pragma once
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "harness/model/llama_config.h"
#include "harness/spec/schema.h"

namespace tb {

// The projections matched by `patterns`, in model order. Throws std::invalid_argument
// naming the entry when one is not a valid expression or matches no projection.
std::vector<ProjectionInfo> select_projections(const std::vector<std::string>& patterns,
                                               const LlamaConfig& c);
std::set<std::string> selected_names(const std::vector<std::string>& patterns,
                                     const LlamaConfig& c);

// Spec validation: hp[field] must select at least one projection; returns the selection.
std::vector<ProjectionInfo> check_target_modules(const nlohmann::json& hp, const LlamaConfig& c,
                                                 const JsonLocation& where,
                                                 const std::string& field = "target_modules");

// Help text for target_modules fields.
inline constexpr const char* kTargetModulesHelp =
    "projection names (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj) or regular "
    "expressions "
    "matched against whole module names such as model.layers.0.self_attn.q_proj";

}  // namespace tb
