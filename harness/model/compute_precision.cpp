#include "harness/model/compute_precision.h"

#include <ATen/autocast_mode.h>
#include <torch/torch.h>

namespace tb {
namespace {

// LibTorch 2.4 gave autocast one API for every device type; 1.13 (Debian's) has one per device.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool autocast_enabled(torch::DeviceType d) { return at::autocast::is_autocast_enabled(d); }
void set_autocast_enabled(torch::DeviceType d, bool on) { at::autocast::set_autocast_enabled(d, on); }
torch::ScalarType autocast_dtype(torch::DeviceType d) { return at::autocast::get_autocast_dtype(d); }
void set_autocast_dtype(torch::DeviceType d, torch::ScalarType t) { at::autocast::set_autocast_dtype(d, t); }
#else
bool autocast_enabled(torch::DeviceType d) {
  return d == torch::kCUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
}
void set_autocast_enabled(torch::DeviceType d, bool on) {
  if (d == torch::kCUDA) {
    at::autocast::set_enabled(on);
  } else {
    at::autocast::set_cpu_enabled(on);
  }
}
torch::ScalarType autocast_dtype(torch::DeviceType d) {
  return d == torch::kCUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
}
void set_autocast_dtype(torch::DeviceType d, torch::ScalarType t) {
  if (d == torch::kCUDA) {
    at::autocast::set_autocast_gpu_dtype(t);
  } else {
    at::autocast::set_autocast_cpu_dtype(t);
  }
}
#endif

}  // namespace

torch::ScalarType compute_dtype_named(const std::string& name) {
  if (name == "bf16") return torch::kBFloat16;
  TORCH_CHECK(name == "fp32", "unknown training dtype ", name, " (fp32 or bf16)");
  return torch::kFloat32;
}

ComputePrecisionGuard::ComputePrecisionGuard(torch::ScalarType dtype, torch::DeviceType device) : device_(device) {
  if (dtype == torch::kFloat32) return;
  active_ = true;
  was_enabled_ = autocast_enabled(device);
  previous_dtype_ = autocast_dtype(device);
  set_autocast_enabled(device, true);
  set_autocast_dtype(device, dtype);
  at::autocast::increment_nesting();
}

ComputePrecisionGuard::~ComputePrecisionGuard() {
  if (!active_) return;
  // The casts of fp32 weights are cached for the outermost region; dropped when it ends.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set_autocast_dtype(device_, previous_dtype_);
  set_autocast_enabled(device_, was_enabled_);
}

void store_weights_in(torch::nn::Module& module, torch::ScalarType dtype, bool every_parameter) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.parameters()) {
    if (every_parameter || !p.requires_grad()) p.set_data(p.data().to(dtype));
  }
}

}  // namespace tb
