// O-LoRA: the overlap penalty between a stage's A and the earlier stages' A (zero for
// orthogonal subspaces, positive otherwise, by hand), stacking a new adapter per stage with
// the earlier ones frozen, and a merge that folds every stage's adapter.
#include "methods/o_lora.h"

#include <gtest/gtest.h>

#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

LoraOptions options() {
  LoraOptions o;
  o.rank = 2;
  o.alpha = 4;
  o.target_modules = {"q_proj", "v_proj"};
  return o;
}

torch::Tensor rows(const std::vector<std::vector<double>>& values) {
  torch::Tensor t = torch::zeros({int64_t(values.size()), int64_t(values[0].size())});
  for (size_t i = 0; i < values.size(); ++i)
    for (size_t j = 0; j < values[i].size(); ++j) t[int64_t(i)][int64_t(j)] = values[i][j];
  return t;
}

TEST(OLora, OverlapIsZeroForOrthogonalSubspacesAndPositiveOtherwise) {
  const torch::Tensor old_a = rows({{1, 0, 0, 0}, {0, 1, 0, 0}});
  const torch::Tensor orthogonal = rows({{0, 0, 1, 0}, {0, 0, 0, 2}});
  EXPECT_EQ(o_lora_overlap({{old_a, orthogonal}}, 0.5).item<double>(), 0.0);
  const torch::Tensor tilted = rows({{1, 0, 1, 0}, {0, -2, 0, 3}});
  // A_old A_new^T = [[1, 0], [0, -2]]: Σ|.| = 3, times lambda 0.5.
  EXPECT_DOUBLE_EQ(o_lora_overlap({{old_a, tilted}}, 0.5).item<double>(), 1.5);
  EXPECT_FALSE(o_lora_overlap({}, 0.5).defined()) << "no earlier stage: no penalty";
}

TEST(OLora, EachStageAddsAnAdapterBesideTheFrozenEarlierOnes) {
  torch::manual_seed(0);
  LlamaForCausalLM model(testing::tiny_config());
  OLora first(options(), 0.5, 0.0);
  const auto first_params = first.prepare(model, {});
  EXPECT_FALSE(first.loss_penalty().defined()) << "the first stage is LoRA (lambda_l2 = 0)";
  EXPECT_EQ(first.details().at("stage"), 0);

  OLora second(options(), 0.5, 0.0);
  const auto second_params = second.prepare(model, {});
  EXPECT_EQ(second.details().at("stage"), 1);
  EXPECT_EQ(second_params.size(), first_params.size());
  for (const auto& p : first_params) EXPECT_FALSE(p.requires_grad()) << "earlier adapters are frozen";
  for (const auto& p : second_params) EXPECT_TRUE(p.requires_grad());
  const torch::Tensor penalty = second.loss_penalty();
  ASSERT_TRUE(penalty.defined());
  EXPECT_GT(penalty.item<double>(), 0) << "random A matrices overlap";
  penalty.backward();
  for (size_t i = 0; i < second_params.size(); i += 2) EXPECT_TRUE(second_params[i].grad().defined()) << "A gets a gradient";
  bool any_q = false;
  for (const auto& p : model->named_parameters()) any_q = any_q || p.key().find("q_proj.o_lora_1.A") != std::string::npos;
  EXPECT_TRUE(any_q) << "the second stage's adapter is named for its stage";
}

TEST(OLora, MergeFoldsEveryStagesAdapter) {
  torch::manual_seed(1);
  LlamaForCausalLM model(testing::tiny_config());
  OLora first(options(), 0.5, 0.0), second(options(), 0.5, 0.0);
  for (OLora* m : {&first, &second}) {
    for (auto& p : m->prepare(model, {})) {
      torch::NoGradGuard no_grad;
      p.normal_(0, 0.1);  // B non-zero, so both adapters change the output
    }
  }
  const torch::Tensor ids = torch::tensor({{1, 5, 9, 3}}, torch::kLong);
  model->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor adapted = model->forward(ids);
  second.merge(model);
  int64_t adapters = 0;
  for (const auto& p : model->named_parameters()) adapters += p.key().find("o_lora_") != std::string::npos;
  EXPECT_EQ(adapters, 0);
  EXPECT_TRUE(torch::allclose(model->forward(ids), adapted, 1e-5, 1e-5));
}

}  // namespace
}  // namespace tb
