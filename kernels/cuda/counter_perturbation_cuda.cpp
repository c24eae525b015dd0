// LibTorch wrapper of kernels/cuda/counter_perturbation.cu: the parameters' segments are
// copied to the GPU once per call and perturbed by one launch.
#include <torch/torch.h>

#include "kernels/cuda/element_type.h"
#include "kernels/cuda_dispatch.h"

namespace tb::kernels {

void perturb_with_counter_normals_cuda(const std::vector<torch::Tensor>& params, uint64_t seed, double scale) {
  std::vector<cuda::PerturbationSegment> segments;
  int64_t blocks = 0;
  for (size_t k = 0; k < params.size(); ++k) {
    const torch::Tensor& p = params[k];
    TORCH_CHECK(p.is_contiguous() && p.device() == params.front().device(),
                "counter perturbation: contiguous tensors on one GPU");
    if (p.numel() == 0) continue;
    segments.push_back({p.data_ptr(), p.numel(), blocks, uint32_t(k), cuda::element_type(p)});
    blocks += (p.numel() + 3) / 4;
  }
  if (segments.empty()) return;
  const c10::cuda::CUDAGuard on_device(params.front().device());
  const int64_t bytes = int64_t(segments.size() * sizeof(cuda::PerturbationSegment));
  const auto host = torch::from_blob(segments.data(), {bytes}, torch::kUInt8);
  const auto device_segments = host.to(params.front().device(), /*non_blocking=*/false, /*copy=*/true);
  cuda::launch_counter_perturbation(static_cast<const cuda::PerturbationSegment*>(device_segments.data_ptr()),
                                    int32_t(segments.size()), blocks, seed, scale, cuda::current_stream());
}

}  // namespace tb::kernels
