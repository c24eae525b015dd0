// Options of a fine-tuning run's optimisation, shared by every method. Each may be
// overridden inside a method entry of the spec and swept there.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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
  // Loss and data variants any method combines with (harness/train/dft_loss.h,
  // harness/train/masked_thought.h).
  std::string loss = "ce";                  // ce | dft
  double masked_thought_rate = 0;           // the largest mask rate p_max; 0: off
  double masked_thought_warmup = 0.66;      // fraction of the steps over which p rises to p_max
  std::string masked_thought_replace = "mask";  // mask (the pad token) | random (a random byte)
  // Continual runs (harness/spec/stages.h).
  double replay = 0;                         // share of rows from earlier stages' items
  std::string between_stages = "restart";    // restart | continue
  // Context extension (harness/train/context_extension.h).
  std::string rope_scaling = "none";  // none | linear | dynamic | yarn | llama3
  double rope_factor = 1.0;
  int64_t rope_original_length = 0;   // the context the base model was trained at; 0: its own
  int64_t pose_window = 0;            // PoSE: train on windows of this many tokens; 0: off
  // Precision and memory (harness/model/compute_precision.h, kernels/linear_cross_entropy.h).
  std::string dtype = "fp32";         // fp32 | bf16
  bool gradient_checkpointing = false;  // recompute each block's activations in the backward pass
  int64_t vocabulary_chunk = 0;       // the loss over this many vocabulary entries at a time; 0: full logits

  static TrainingOptions from_json(const nlohmann::json& j);
};

// The training options added after run keys were first published (loss, masked thought):
// left out of a run's config while they have their defaults, so the keys of the runs
// that do not use them stay what they were.
const std::vector<std::string>& training_keys_omitted_at_default();

const Schema& training_schema();

// Learning rate at `step` (0-based) for the warm-up + schedule above.
double learning_rate_at(const TrainingOptions& o, int64_t step);

}  // namespace tb
