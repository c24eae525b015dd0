// A fine-tuning run's checkpoint: everything needed to continue training with the same
// numbers as a run that was never stopped. One file, written atomically (a temporary
// file, then a rename), holding
//   - every parameter and buffer of the model (frozen weights too: LIFT folds updates
//     into them), by name;
//   - the optimiser's per-parameter state (AdamW and the per-entry AdamW of sparse
//     fine-tuning), by parameter position;
//   - the method's own state beyond the model (Method::save_state);
//   - LibTorch's global generators (CPU, and each GPU's), and the trainer's progress;
//   - `extra`: what the caller needs back (the worker keeps its metric log there).
#pragma once
#include <torch/torch.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "harness/train/trainer.h"

namespace tb {

class Method;

void save_checkpoint(const std::filesystem::path& file, const std::string& run_key,
                     torch::nn::Module& model, torch::optim::Optimizer& optimizer,
                     const Method& method, const TrainProgress& progress,
                     const nlohmann::json& extra);

struct RestoredCheckpoint {
  TrainProgress progress;
  nlohmann::json extra;
};

// Restores the checkpoint at `file` into the model, the optimiser (created, not yet
// stepped) and the method; nullopt when there is none or it belongs to another run.
// Throws when it does not fit the model.
std::optional<RestoredCheckpoint> load_checkpoint(const std::filesystem::path& file,
                                                  const std::string& run_key,
                                                  torch::nn::Module& model,
                                                  torch::optim::Optimizer& optimizer, Method& method);

}  // namespace tb
