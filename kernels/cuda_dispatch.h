// The CUDA paths of the kernels, called by kernels/*.cpp for tensors on a GPU. Built from
// kernels/cuda/ when configured with TUNEBENCH_CUDA; otherwise kernels/cuda_unavailable.cpp
// defines them to fail with a message saying how to build them.
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace tb::kernels {

void perturb_with_counter_normals_cuda(const std::vector<torch::Tensor>& params, uint64_t seed, double scale);
// -> (y, inv_rms (rows) fp32)
std::pair<torch::Tensor, torch::Tensor> rms_norm_forward_cuda(const torch::Tensor& x, const torch::Tensor& weight,
                                                              double eps);
// -> (dx, dweight)
std::pair<torch::Tensor, torch::Tensor> rms_norm_backward_cuda(const torch::Tensor& x, const torch::Tensor& weight,
                                                               const torch::Tensor& dy, const torch::Tensor& inv_rms);
// q, k rotated in place (contiguous); inverse: the transpose rotation (backward).
void rotary_cuda_(torch::Tensor& q, torch::Tensor& k, const torch::Tensor& cos, const torch::Tensor& sin, bool inverse);

}  // namespace tb::kernels
