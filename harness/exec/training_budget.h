// What a fine-tuning run will train, found without training it, for matching budgets
// across methods before a sweep runs (`run --dry-run`).
#pragma once
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace tb {

struct TrainingBudget {
  int64_t trainable_params = 0;       // what the optimiser updates, as the worker counts it
  int64_t optimizer_state_bytes = 0;  // the optimiser's state once it has taken a step
  bool base_model_pretrained = false;  // false: counted on an untrained model of that shape
};

// The worker's own preparation of the run `config` (same seed, same order of random draws:
// exec/method_preparation.h) on the base model cached in `models_dir`, or on an untrained
// model of the same architecture when none is cached yet; a method that sizes itself from
// the base model's activations (EVA) may then count otherwise than its run will. The
// optimiser's state is that after one step on zero gradients of this throwaway model.
TrainingBudget training_budget(const nlohmann::json& config,
                               const std::filesystem::path& models_dir);

}  // namespace tb
