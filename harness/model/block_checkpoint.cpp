#include "harness/model/block_checkpoint.h"

#include <torch/torch.h>

#include <map>
#include <string>

#include "harness/model/compute_precision.h"
#include "harness/model/generator_state.h"

namespace tb {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// What the backward pass needs to run the block again.
struct Recomputation : torch::CustomClassHolder {
  BlockFunction block;
  std::vector<torch::Tensor> params;
  std::map<std::string, torch::Tensor> generators;  // as the forward pass found them
  torch::ScalarType compute_dtype = torch::kFloat32;
};

struct CheckpointedBlock : torch::autograd::Function<CheckpointedBlock> {
  // Runs without recording a graph (a custom function's forward pass does).
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, at::TensorList params,
                               const c10::intrusive_ptr<Recomputation>& recomputation) {
    ctx->save_for_backward({x});
    ctx->saved_data["recomputation"] = c10::IValue::make_capsule(recomputation);
    return recomputation->block(x);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto recomputation =
        c10::static_intrusive_pointer_cast<Recomputation>(ctx->saved_data["recomputation"].toCapsule());
    const torch::Tensor input = ctx->get_saved_variables()[0].detach().requires_grad_(true);
    torch::Tensor output;
    {
      const std::map<std::string, torch::Tensor> now = generator_states();
      restore_generator_states(recomputation->generators);
      const torch::AutoGradMode with_graph(true);
      const ComputePrecisionGuard precision(recomputation->compute_dtype, input.device().type());
      output = recomputation->block(input);
      restore_generator_states(now);
    }
    std::vector<torch::Tensor> wrt = {input};
    wrt.insert(wrt.end(), recomputation->params.begin(), recomputation->params.end());
    auto gradients = torch::autograd::grad({output}, wrt, {grads[0]}, /*retain_graph=*/false,
                                           /*create_graph=*/false, /*allow_unused=*/true);
    gradients.push_back(torch::Tensor());  // the recomputation is not differentiable
    return gradients;
  }
};

}  // namespace

torch::Tensor checkpointed_block(const BlockFunction& block, const torch::Tensor& x,
                                 const std::vector<torch::Tensor>& params, torch::ScalarType compute_dtype) {
  auto recomputation = c10::make_intrusive<Recomputation>();
  recomputation->block = block;
  recomputation->params = params;
  recomputation->generators = generator_states();
  recomputation->compute_dtype = compute_dtype;
  return CheckpointedBlock::apply(x, at::TensorList(params), recomputation);
}

}  // namespace tb
