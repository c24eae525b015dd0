#include "harness/exec/run_device.h"

#include <torch/torch.h>

#include <regex>
#include <stdexcept>

#include "harness/model/compute_precision.h"

namespace tb {

torch::Device resolve_run_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  const bool has_gpu = torch::cuda::is_available();
  if (name == "auto") return has_gpu ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  std::smatch m;
  if (!std::regex_match(name, m, std::regex("cuda(?::([0-9]+))?")))
    throw std::runtime_error("unknown device \"" + name + "\" (cpu, cuda, cuda:N or auto)");
  if (!has_gpu) {
    throw std::runtime_error("execution.device is " + name + " but this worker sees no GPU (its LibTorch " +
                             std::string(TORCH_VERSION) + " has no CUDA, or no GPU is visible to it): build "
                             "tunebench against a LibTorch with CUDA on a GPU machine (README), or use cpu or auto");
  }
  const int64_t index = m[1].matched ? std::stoll(m[1].str()) : 0;
  if (index >= int64_t(torch::cuda::device_count()))
    throw std::runtime_error("execution.device is " + name + " but this worker sees " +
                             std::to_string(torch::cuda::device_count()) + " GPU(s)");
  return torch::Device(torch::kCUDA, c10::DeviceIndex(index));
}

torch::Device run_device_of(const nlohmann::json& job) { return resolve_run_device(job.value("device", "cpu")); }

void place_for_training(LlamaForCausalLM& tuned, LlamaForCausalLM& base, const TrainingOptions& o,
                        torch::Device device) {
  tuned->to(device);
  base->to(device);
  const torch::ScalarType dtype = compute_dtype_named(o.dtype);
  for (LlamaForCausalLM* model : {&tuned, &base}) (*model)->model->compute_dtype = dtype;
  tuned->model->gradient_checkpointing = o.gradient_checkpointing;
  if (dtype == torch::kFloat32) return;
  store_weights_in(*tuned, dtype, /*every_parameter=*/false);
  // The base model mirrors where training starts: each weight in the precision the tuned
  // model stores it in (frozen ones in bf16, trained ones in fp32), so that the base
  // evaluates as the run's step 0 would and the spectra see only what training changed.
  const auto tuned_weights = tuned->named_parameters();
  torch::NoGradGuard no_grad;
  for (auto& p : base->named_parameters()) {
    const torch::Tensor* same = tuned_weights.find(p.key());
    if (same != nullptr && same->scalar_type() == dtype) p.value().set_data(p.value().data().to(dtype));
  }
}

void restore_full_precision(LlamaForCausalLM& tuned) {
  store_weights_in(*tuned, torch::kFloat32, /*every_parameter=*/true);
}

}  // namespace tb
