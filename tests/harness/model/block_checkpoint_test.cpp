// Gradient checkpointing per block: the same loss and bit-identical gradients as without
// it, with LoRA dropout drawing from the generator (the recomputation sees the same masks)
// and with frozen embeddings (the first block's input needs no gradient, its adapters do),
// and with full fine-tuning; nothing is recomputed outside training.
#include "harness/model/block_checkpoint.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>

#include "harness/data/reverse_task.h"
#include "methods/full_ft.h"
#include "methods/lora.h"
#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

using testing::method_context;
using testing::pretrained_tiny_model;
using testing::reverse_batches;

// (loss, gradients of the trainable parameters) of one batch, with or without checkpointing.
std::pair<double, std::vector<torch::Tensor>> loss_and_gradients(Method& method, bool checkpointing) {
  const TaskData data = make_task_data(ReverseTask(3, 5), 40, 4, 1);
  LlamaForCausalLM model = pretrained_tiny_model();
  torch::manual_seed(11);
  const auto params = method.prepare(model, method_context(10, reverse_batches(data, 3), data, model));
  {  // a trained adapter, so that every gradient is non-zero
    torch::NoGradGuard no_grad;
    for (const auto& p : params) p.add_(torch::randn_like(p) * 0.01);
  }
  model->model->gradient_checkpointing = checkpointing;
  model->train();
  const Batch batch = reverse_batches(data, 5)(0);
  torch::manual_seed(12);  // the dropout masks of this pass
  const auto logits = model->forward(batch.input_ids);
  const auto loss = causal_lm_loss(logits, batch.labels);
  loss.backward();
  std::vector<torch::Tensor> gradients;
  for (const auto& p : params) gradients.push_back(p.grad().defined() ? p.grad().clone() : torch::Tensor());
  return {loss.item<double>(), gradients};
}

void expect_identical(Method& with, Method& without) {
  const auto [loss_with, grads_with] = loss_and_gradients(with, true);
  const auto [loss_without, grads_without] = loss_and_gradients(without, false);
  EXPECT_EQ(loss_with, loss_without);
  ASSERT_EQ(grads_with.size(), grads_without.size());
  for (size_t i = 0; i < grads_with.size(); ++i) {
    ASSERT_TRUE(grads_with[i].defined() && grads_without[i].defined()) << "parameter " << i << " got no gradient";
    EXPECT_GT(grads_with[i].abs().sum().item<double>(), 0.0) << "parameter " << i;
    EXPECT_TRUE(torch::equal(grads_with[i], grads_without[i])) << "parameter " << i;
  }
}

TEST(GradientCheckpointing, LoraWithDropoutGetsBitIdenticalGradients) {
  LoraOptions o;
  o.rank = 4;
  o.dropout = 0.3;  // the recomputation must draw the same masks
  o.target_modules = {"q_proj", "v_proj", "down_proj"};
  Lora with(o), without(o);
  expect_identical(with, without);
}

TEST(GradientCheckpointing, FullFineTuningGetsBitIdenticalGradients) {
  FullFineTuning with, without;
  expect_identical(with, without);
}

TEST(GradientCheckpointing, KeepsOnlyTheBlockInputsForBackward) {
  // With checkpointing, the graph holds one node per block instead of the block's many:
  // counted through the autograd graph from the output.
  LlamaForCausalLM model = pretrained_tiny_model();
  model->train();
  const auto ids = torch::randint(200, {2, 16}, torch::kInt64);
  auto graph_nodes = [&](bool checkpointing) {
    model->model->gradient_checkpointing = checkpointing;
    const auto out = model->forward(ids);
    std::set<torch::autograd::Node*> seen;
    std::vector<torch::autograd::Node*> stack = {out.grad_fn().get()};
    while (!stack.empty()) {
      auto* node = stack.back();
      stack.pop_back();
      if (node == nullptr || !seen.insert(node).second) continue;
      for (const auto& edge : node->next_edges()) stack.push_back(edge.function.get());
    }
    return seen.size();
  };
  const size_t plain = graph_nodes(false), checkpointed = graph_nodes(true);
  EXPECT_LT(checkpointed * 2, plain) << plain << " nodes without, " << checkpointed << " with";
  model->eval();
  torch::NoGradGuard no_grad;
  const auto evaluated_with = model->forward(ids);
  model->model->gradient_checkpointing = false;
  EXPECT_TRUE(torch::equal(evaluated_with, model->forward(ids))) << "evaluation is unchanged";
}

}  // namespace
}  // namespace tb
