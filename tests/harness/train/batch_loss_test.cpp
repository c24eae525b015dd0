// The batch loss with training.vocabulary_chunk (fused linear + cross-entropy) against the
// full-logits loss the trainer otherwise takes: cross-entropy and DFT, an untied and a tied
// head, gradients of every parameter; a head with adapters falls back to the full logits.
#include "harness/train/batch_loss.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "harness/data/reverse_task.h"
#include "harness/train/dft_loss.h"
#include "methods/lora.h"
#include "tests/kernels/kernel_test_util.h"
#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

using testing::relative_difference;

// (loss, gradient of every parameter) of one batch under options `o`.
std::pair<double, std::vector<torch::Tensor>> loss_and_gradients(LlamaForCausalLM& model, const Batch& batch,
                                                                 const TrainingOptions& o) {
  model->zero_grad();
  const auto loss = batch_loss(model, batch, o);
  loss.backward();
  std::vector<torch::Tensor> grads;
  for (const auto& p : model->parameters()) grads.push_back(p.grad().clone());
  return {loss.item<double>(), grads};
}

void expect_fused_equals_full(LlamaForCausalLM& model, const std::string& loss) {
  const TaskData data = make_task_data(ReverseTask(3, 6), 30, 4, 2);
  const Batch batch = testing::reverse_batches(data, 9)(0);
  TrainingOptions full;
  full.loss = loss;
  TrainingOptions fused = full;
  fused.vocabulary_chunk = 37;  // does not divide the byte vocabulary
  const auto [full_loss, full_grads] = loss_and_gradients(model, batch, full);
  const auto [fused_loss, fused_grads] = loss_and_gradients(model, batch, fused);
  EXPECT_NEAR(fused_loss, full_loss, 1e-6 * std::abs(full_loss)) << loss;
  EXPECT_EQ(full_loss, training_loss(loss, model->forward(batch.input_ids), batch.labels).item<double>())
      << "without chunks the loss is the trainer's as before";
  for (size_t i = 0; i < full_grads.size(); ++i)
    EXPECT_LT(relative_difference(fused_grads[i], full_grads[i]), 1e-4) << loss << ", parameter " << i;
}

TEST(BatchLoss, VocabularyChunksGiveTheFullLogitsLossAndGradients) {
  LlamaForCausalLM model = testing::pretrained_tiny_model();
  for (const char* loss : {"ce", "dft"}) expect_fused_equals_full(model, loss);
}

TEST(BatchLoss, ATiedHeadIsFusedWithTheEmbeddings) {
  LlamaConfig c = testing::tiny_config();
  c.tie_word_embeddings = true;
  torch::manual_seed(4);
  LlamaForCausalLM model(c);
  EXPECT_TRUE(model->plain_head_weight().is_same(model->model->embed_tokens->weight));
  expect_fused_equals_full(model, "ce");
}

TEST(BatchLoss, AHeadWithAnAdapterIsNotFused) {
  LlamaForCausalLM model = testing::pretrained_tiny_model();
  model->lm_head->add_adapter("lora", std::make_shared<LoraAdapter>(32, model->config.vocab_size, 2, 1.0, 0.0));
  EXPECT_FALSE(model->plain_head_weight().defined());
  const TaskData data = make_task_data(ReverseTask(3, 6), 30, 4, 2);
  const Batch batch = testing::reverse_batches(data, 9)(0);
  TrainingOptions fused;
  fused.vocabulary_chunk = 16;
  EXPECT_EQ(batch_loss(model, batch, fused).item<double>(),
            training_loss("ce", model->forward(batch.input_ids), batch.labels).item<double>());
}

}  // namespace
}  // namespace tb
