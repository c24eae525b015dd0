// Options of a fine-tuning run's optimisation, shared by every method. Each may be
// overridden inside a method entry of the spec and swept there.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "harness/spec/schema.h"

namespace tb {

struct TrainingOptions {
  int64_t steps = 300;
  int64_t batch_size = 32;
  double lr = 1e-3;
  int64_t warmup_steps = 20;
  std::string schedule = "cosine";  // cosine | linear | constant, after warm-up
  double weight_decay = 0.0;
  double grad_clip = 1.0;  // global L2 norm; 0 disables
  int64_t log_every = 10;

  static TrainingOptions from_json(const nlohmann::json& j);
};

const Schema& training_schema();

// Learning rate at `step` (0-based) for the warm-up + schedule above.
double learning_rate_at(const TrainingOptions& o, int64_t step);

}  // namespace tb
