#include "harness/model/generator_state.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <mutex>
#ifdef TUNEBENCH_WITH_CUDA
#include <ATen/cuda/CUDAGeneratorImpl.h>
#endif

namespace tb {
namespace {

// Every global generator with its name.
std::map<std::string, at::Generator> global_generators() {
  std::map<std::string, at::Generator> out = {{"cpu", at::detail::getDefaultCPUGenerator()}};
#ifdef TUNEBENCH_WITH_CUDA
  if (torch::cuda::is_available()) {
    for (int64_t i = 0; i < int64_t(torch::cuda::device_count()); ++i)
      out.emplace("cuda:" + std::to_string(i), at::cuda::detail::getDefaultCUDAGenerator(c10::DeviceIndex(i)));
  }
#endif
  return out;
}

}  // namespace

std::map<std::string, torch::Tensor> generator_states() {
  std::map<std::string, torch::Tensor> out;
  for (auto& [name, generator] : global_generators()) {
    std::lock_guard<std::mutex> lock(generator.mutex());
    out[name] = generator.get_state();
  }
  return out;
}

void restore_generator_states(const std::map<std::string, torch::Tensor>& states) {
  for (auto& [name, generator] : global_generators()) {
    const auto found = states.find(name);
    if (found == states.end()) continue;
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(found->second);
  }
}

}  // namespace tb
