#include "kernels/counter_perturbation.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include "kernels/cuda_dispatch.h"
#include "kernels/philox.h"

namespace tb::kernels {
namespace {

constexpr int64_t kBlockElements = 4;  // one Philox call gives four normals

// data[e] += scale * z[e] for the elements of one tensor, z rounded to T first (as the
// reference's materialised z is) and the sum formed as LibTorch's add_(z, scale) forms it.
template <typename T>
void perturb_cpu(T* data, int64_t numel, uint64_t seed, uint32_t stream, double scale) {
  using Accumulate = std::conditional_t<std::is_same_v<T, double>, double, float>;
  const Accumulate alpha = Accumulate(scale);
  const int64_t blocks = (numel + kBlockElements - 1) / kBlockElements;
  at::parallel_for(0, blocks, 2048, [&](int64_t begin, int64_t end) {
    for (int64_t block = begin; block < end; ++block) {
      const Normal4 z = counter_normals(seed, stream, uint64_t(block));
      const int64_t first = block * kBlockElements;
      for (int64_t slot = 0; slot < kBlockElements && first + slot < numel; ++slot) {
        const T rounded = T(Accumulate(z.value[slot]));
        data[first + slot] = T(Accumulate(data[first + slot]) + alpha * Accumulate(rounded));
      }
    }
  });
}

void perturb_one_cpu(const torch::Tensor& p, uint64_t seed, uint32_t stream, double scale) {
  TORCH_CHECK(p.is_contiguous(), "counter perturbation needs contiguous tensors");
  switch (p.scalar_type()) {
    case torch::kFloat32: return perturb_cpu(p.data_ptr<float>(), p.numel(), seed, stream, scale);
    case torch::kFloat64: return perturb_cpu(p.data_ptr<double>(), p.numel(), seed, stream, scale);
    case torch::kBFloat16: return perturb_cpu(p.data_ptr<c10::BFloat16>(), p.numel(), seed, stream, scale);
    default: TORCH_CHECK(false, "counter perturbation supports float32, float64 and bfloat16, not ", p.scalar_type());
  }
}

}  // namespace

torch::Tensor counter_normal(at::IntArrayRef sizes, uint64_t seed, uint32_t stream, const torch::TensorOptions& options) {
  auto z = torch::empty(sizes, torch::TensorOptions().dtype(torch::kFloat64));
  double* out = z.data_ptr<double>();
  for (int64_t e = 0; e < z.numel(); e += kBlockElements) {
    const Normal4 block = counter_normals(seed, stream, uint64_t(e / kBlockElements));
    for (int64_t slot = 0; slot < kBlockElements && e + slot < z.numel(); ++slot) out[e + slot] = block.value[slot];
  }
  // Rounded to float32 first, as the fused kernel rounds it, then to the tensor's dtype.
  const auto rounded = options.dtype() == torch::kFloat64 ? z : z.to(torch::kFloat32);
  return rounded.to(options);
}

void perturb_with_counter_normals_(const std::vector<torch::Tensor>& params, uint64_t seed, double scale) {
  if (params.empty()) return;
  torch::NoGradGuard no_grad;
  if (params.front().is_cuda()) return perturb_with_counter_normals_cuda(params, seed, scale);
  for (size_t k = 0; k < params.size(); ++k) {
    TORCH_CHECK(params[k].device() == params.front().device(), "counter perturbation: tensors on several devices");
    perturb_one_cpu(params[k], seed, uint32_t(k), scale);
  }
}

}  // namespace tb::kernels
