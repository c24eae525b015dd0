// Where a run's models live (execution.device) and in what precision they train
// (training.dtype, training.gradient_checkpointing): the model, its adapters, the
// optimiser state (made from the parameters), batches (moved by the model's forward pass),
// generation and evaluation all follow the device chosen here, once per run.
#pragma once
#include <torch/types.h>

#include <nlohmann/json.hpp>
#include <string>

#include "harness/model/llama.h"
#include "harness/train/training_options.h"

namespace tb {

// "cpu"; "cuda" (the first GPU this process sees: the pool gives each worker its own
// through CUDA_VISIBLE_DEVICES); "cuda:N"; "auto" (cuda when a GPU is visible, else cpu).
// Throws, saying why, when a GPU is asked for and none can be used.
torch::Device resolve_run_device(const std::string& name);

// The device of a worker's job (its "device"; cpu when absent).
torch::Device run_device_of(const nlohmann::json& job);

// Moves both models to `device` and sets the run's precision and checkpointing: under
// bf16 the tuned model's frozen weights are stored in bfloat16, and so are the same
// weights of the base model (which is where training starts). Call once the method has
// made its trainable parameters (the optimiser is made after).
void place_for_training(LlamaForCausalLM& tuned, LlamaForCausalLM& base, const TrainingOptions& o,
                        torch::Device device);

// Before merging and saving: every weight of the tuned model back in fp32 (exact), so that
// adapters fold into the weights without bfloat16 rounding of their update; evaluation
// still computes in the run's precision.
void restore_full_precision(LlamaForCausalLM& tuned);

}  // namespace tb
