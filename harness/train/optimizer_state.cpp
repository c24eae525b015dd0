#include "harness/train/optimizer_state.h"

namespace tb {
namespace {

int64_t bytes_of(const torch::Tensor& t) { return t.defined() ? int64_t(t.nbytes()) : 0; }

}  // namespace

torch::optim::AdamWParamState* adamw_state(torch::optim::Optimizer& optimizer,
                                           const torch::Tensor& param) {
  // LibTorch keys the state by the address of the parameter's TensorImpl.
  const auto it = optimizer.state().find(c10::guts::to_string(param.unsafeGetTensorImpl()));
  if (it == optimizer.state().end()) return nullptr;
  return dynamic_cast<torch::optim::AdamWParamState*>(it->second.get());
}

int64_t optimizer_state_bytes(torch::optim::Optimizer& optimizer) {
  int64_t bytes = 0;
  for (auto& [key, state] : optimizer.state()) {
    auto* adam = dynamic_cast<torch::optim::AdamWParamState*>(state.get());
    TORCH_CHECK(adam != nullptr, "optimizer_state_bytes: only AdamW states are known");
    bytes +=
        bytes_of(adam->exp_avg()) + bytes_of(adam->exp_avg_sq()) + bytes_of(adam->max_exp_avg_sq());
    if (auto* aged = dynamic_cast<PerEntryAdamWState*>(state.get())) bytes += bytes_of(aged->age);
  }
  return bytes;
}

}  // namespace tb
