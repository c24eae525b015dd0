// MeZO's perturbation (Malladi et al. 2023, Algorithm 1, PerturbParameters): theta_k +=
// scale * z_k for every parameter k, in place, with z_k regenerated from the step's seed by
// a counter-based generator (kernels/philox.h) instead of being drawn and stored: element e
// of parameter k is counter_normals(seed, k, e / 4)[e % 4] rounded to the parameter's
// dtype. So +eps z, -2 eps z and +eps z, and the update -lr g z, all see the same z, on any
// device and in any order, and nothing of the size of the model is ever allocated. On a
// GPU every parameter is perturbed by one kernel launch.
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace tb::kernels {

// The plain reference: z for a tensor of `sizes` as stream `stream`, materialised.
torch::Tensor counter_normal(at::IntArrayRef sizes, uint64_t seed, uint32_t stream,
                             const torch::TensorOptions& options);

// params[k] += scale * z(seed, k) in place, with z as counter_normal(params[k].sizes(), seed, k)
// would give it. Every tensor contiguous, float32, float64 or bfloat16, on one device.
void perturb_with_counter_normals_(const std::vector<torch::Tensor>& params, uint64_t seed, double scale);

}  // namespace tb::kernels
