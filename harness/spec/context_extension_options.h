// The context-extension training options of a spec (rope_scaling, rope_factor,
// rope_original_length, pose_window; harness/train/context_extension.h applies them):
// the rules that need the method, the base model and the whole cell.
#pragma once
#include <nlohmann/json.hpp>
#include <vector>

#include "harness/model/llama_config.h"
#include "harness/spec/schema.h"

namespace tb {

struct MethodEntry;  // harness/spec/spec.h

// The context the base model was trained at: its pretraining seq_len (a tunebench base
// model) or its max_position_embeddings (a checkpoint). `base_model`: the spec's section.
int64_t trained_context_length(const nlohmann::json& base_model);

// The tuned model's max_position_embeddings with a scaling: at least the base's, and the
// extended context round(factor x original) when that is longer.
int64_t extended_max_positions(int64_t base_max_positions, double factor, int64_t original_length);

void check_context_extension(const std::vector<MethodEntry>& entries, const nlohmann::json& training,
                             const nlohmann::json& base_model, bool staged, const JsonLocation& at);

}  // namespace tb
