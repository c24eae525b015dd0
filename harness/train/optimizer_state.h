// Access to what the optimisers keep per parameter, for methods that move entries
// between trainable slots (sparse fine-tuning, LIFT) and for reporting memory.
#pragma once
#include <torch/torch.h>

#include <cstdint>

namespace tb {

// AdamW's state with a step count per entry instead of per tensor, so that entries that
// join a parameter mid-run get their own bias correction (sparse fine-tuning's optimiser).
struct PerEntryAdamWState : public torch::optim::AdamWParamState {
  torch::Tensor age;  // same shape as the parameter, float32
};

// AdamW's state for `param` (also a PerEntryAdamWState), or null before its first step.
torch::optim::AdamWParamState* adamw_state(torch::optim::Optimizer& optimizer,
                                           const torch::Tensor& param);

// Bytes held by the optimiser's state tensors: moments, and per-entry ages where kept.
int64_t optimizer_state_bytes(torch::optim::Optimizer& optimizer);

}  // namespace tb
