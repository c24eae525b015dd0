// Built when tunebench is configured without TUNEBENCH_CUDA: a tensor can reach these only
// through a LibTorch that has CUDA while tunebench's own kernels were not compiled for it.
#include <torch/torch.h>

#include "kernels/cuda_dispatch.h"

namespace tb::kernels {
namespace {

[[noreturn]] void no_cuda_kernels(const char* kernel) {
  TORCH_CHECK(false, kernel, " on a GPU needs tunebench's CUDA kernels: configure with -DTUNEBENCH_CUDA=ON "
              "against a LibTorch with CUDA (README, \"Building on a GPU machine\")");
}

}  // namespace

void perturb_with_counter_normals_cuda(const std::vector<torch::Tensor>&, uint64_t, double) {
  no_cuda_kernels("counter perturbation");
}
std::pair<torch::Tensor, torch::Tensor> rms_norm_forward_cuda(const torch::Tensor&, const torch::Tensor&, double) {
  no_cuda_kernels("fused RMSNorm");
}
std::pair<torch::Tensor, torch::Tensor> rms_norm_backward_cuda(const torch::Tensor&, const torch::Tensor&,
                                                               const torch::Tensor&, const torch::Tensor&) {
  no_cuda_kernels("fused RMSNorm");
}
void rotary_cuda_(torch::Tensor&, torch::Tensor&, const torch::Tensor&, const torch::Tensor&, bool) {
  no_cuda_kernels("fused rotary embedding");
}

}  // namespace tb::kernels
