// training.dtype's rule that needs the method (harness/model/compute_precision.h): LIFT
// folds its sparse update into the frozen weights at every reselection, and bfloat16
// storage of those weights would round small updates away, so LIFT trains in fp32 only.
#pragma once
#include <nlohmann/json.hpp>
#include <vector>

#include "harness/spec/schema.h"

namespace tb {

struct MethodEntry;  // harness/spec/spec.h

void check_training_precision(const std::vector<MethodEntry>& entries, const nlohmann::json& training,
                              const JsonLocation& at);

}  // namespace tb
