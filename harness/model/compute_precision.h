// Mixed precision as the run's training.dtype asks (Micikevicius et al. 2018, "Mixed
// Precision Training", section 3, with bfloat16 instead of fp16, so no loss scaling):
// under bf16 the frozen weights are stored in bfloat16, trainable parameters and their
// optimiser state stay in fp32, and every matrix product runs in bfloat16 with fp32
// accumulation through LibTorch's autocast, which casts each fp32 weight to bfloat16 where
// it is multiplied (as torch.autocast does for transformers + PEFT).
#pragma once
#include <torch/types.h>

#include <string>

namespace torch::nn {
class Module;
}

namespace tb {

// "fp32" -> kFloat32, "bf16" -> kBFloat16.
torch::ScalarType compute_dtype_named(const std::string& name);

// While alive, matrix products on `device` run in `dtype` (autocast); fp32: nothing changes.
class ComputePrecisionGuard {
 public:
  ComputePrecisionGuard(torch::ScalarType dtype, torch::DeviceType device);
  ~ComputePrecisionGuard();
  ComputePrecisionGuard(const ComputePrecisionGuard&) = delete;
  ComputePrecisionGuard& operator=(const ComputePrecisionGuard&) = delete;

 private:
  bool active_ = false;
  torch::DeviceType device_;
  bool was_enabled_ = false;
  torch::ScalarType previous_dtype_ = torch::kFloat32;
};

// Stores every parameter of `module` that is not trained (requires_grad false) in `dtype`;
// with every_parameter, all of them (the base model that only evaluates).
void store_weights_in(torch::nn::Module& module, torch::ScalarType dtype, bool every_parameter);

}  // namespace tb
