#include "harness/exec/gpu_facts.h"

#ifdef TUNEBENCH_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <cuda_runtime_api.h>
#endif

namespace tb {

#ifdef TUNEBENCH_WITH_CUDA
namespace {

std::string cuda_version(int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); }

}  // namespace

std::string gpu_description(const torch::Device& device) {
  if (!device.is_cuda()) return "";
  const cudaDeviceProp* p = at::cuda::getDeviceProperties(device.index() < 0 ? 0 : device.index());
  int driver = 0, runtime = 0;
  cudaDriverGetVersion(&driver);
  cudaRuntimeGetVersion(&runtime);
  const long cudnn = at::detail::getCUDAHooks().hasCuDNN() ? at::detail::getCUDAHooks().versionCuDNN() : 0;
  return std::string(p->name) + " (driver " + cuda_version(driver) + ", CUDA runtime " + cuda_version(runtime) +
         ", cuDNN " + (cudnn > 0 ? std::to_string(cudnn) : "none") + ")";
}

int64_t peak_gpu_memory_bytes(const torch::Device& device) {
  if (!device.is_cuda()) return 0;
  namespace allocator = c10::cuda::CUDACachingAllocator;
  const auto stats = allocator::getDeviceStats(device.index() < 0 ? 0 : device.index());
  return stats.allocated_bytes[static_cast<size_t>(allocator::StatType::AGGREGATE)].peak;
}
#else
std::string gpu_description(const torch::Device&) { return ""; }
int64_t peak_gpu_memory_bytes(const torch::Device&) { return 0; }
#endif

}  // namespace tb
