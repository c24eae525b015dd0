#include "methods/eva.h"

#include <gtest/gtest.h>

#include "harness/text/byte_tokenizer.h"
#include "harness/train/sft_batches.h"
#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

// PEFT's get_eva_state_dict feeds BOS prompt answer EOS and keeps the input positions
// whose (unshifted) label is not -100: the answer tokens and the EOS, never the prompt.
TEST(Eva, PcaSeesTheAnswerAndEosInputsAsPeftDoes) {
  const std::vector<TaskItem> items = {{"ab=", "ab=", "cd"}, {"x=", "x=", "y"}};
  const Batch batch = make_sft_batch(items, {0, 1}, byte_tokenizer(), 1 << 20);  // inputs: 6 and 4 positions
  const EvaPcaInputs in = eva_pca_inputs(batch, 64);
  // Row 0: BOS a b = c d EOS; row 1: BOS x = y EOS PAD and the appended column's filler 0
  // (after every kept position, so causal attention never reads it).
  const auto ids = torch::tensor({kBosToken, int64_t('a'), int64_t('b'), int64_t('='), int64_t('c'),
                                  int64_t('d'), kEosToken, kBosToken, int64_t('x'), int64_t('='),
                                  int64_t('y'), kEosToken, kPadToken, int64_t(0)})
                       .reshape({2, 7});
  EXPECT_TRUE(torch::equal(in.input_ids, ids)) << in.input_ids;
  // Kept: c d EOS of row 0 (positions 4, 5, 6), y EOS of row 1 (7 + 3, 7 + 4).
  EXPECT_TRUE(torch::equal(in.positions, torch::tensor({4, 5, 6, 10, 11}, torch::kInt64)))
      << in.positions;
  const auto kept = in.input_ids.reshape({-1}).index_select(0, in.positions);
  EXPECT_TRUE(torch::equal(
      kept, torch::tensor({int64_t('c'), int64_t('d'), kEosToken, int64_t('y'), kEosToken})));
  // At the model's length limit the appended EOS position is cut, nothing else moves.
  const EvaPcaInputs cut = eva_pca_inputs(batch, 6);
  EXPECT_TRUE(torch::equal(cut.input_ids, ids.narrow(1, 0, 6)));
  EXPECT_TRUE(torch::equal(cut.positions, torch::tensor({4, 5, 9, 10}, torch::kInt64)));
}

TEST(Eva, RedistributesTheRankBudgetAndInitialisesAFromInputDirections) {
  torch::manual_seed(0);
  LlamaForCausalLM model = testing::pretrained_tiny_model();
  ReverseTask task(2, 3);
  const TaskData data = make_task_data(task, 200, 10, 0);
  EvaOptions o;
  o.lora.rank = 4;
  o.lora.alpha = 8;
  o.lora.target_modules = {"q_proj", "o_proj"};  // all 32 x 32: the count is closed-form
  Eva eva(o);
  int64_t n = 0;
  for (const auto& p : eva.prepare(model, MethodContext{10, testing::reverse_batches(data, 3)}))
    n += p.numel();
  int64_t total_rank = 0;
  for (const auto& [name, r] : eva.ranks()) {
    EXPECT_GE(r, 0);
    EXPECT_LE(r, 8) << "at most round(rho * r) = 8";
    total_rank += r;
  }
  EXPECT_EQ(total_rank, 4 * 4) << "the budget r * (number of targets) is kept";
  EXPECT_EQ(n, total_rank * (32 + 32));
  EXPECT_GE(eva.batches_used(), 2);
  EXPECT_EQ(eva.details().at("ranks").size(), 4u) << "the ranks are recorded with the run";
  for (auto& [name, proj] : model->projections()) {
    if (!proj->has_adapters()) continue;
    auto a = std::dynamic_pointer_cast<LoraAdapter>(proj->named_children()["eva"]);
    ASSERT_NE(a, nullptr);
    const auto gram = torch::mm(a->A, a->A.t());
    EXPECT_TRUE(torch::allclose(gram, torch::eye(a->A.size(0)), 1e-4, 1e-4))
        << name << ": orthonormal rows";
    EXPECT_TRUE(torch::equal(a->B, torch::zeros_like(a->B)));
    EXPECT_DOUBLE_EQ(a->scale, 8.0 / 4.0) << "alpha_l / r_l = alpha / r";
  }
}

}  // namespace
}  // namespace tb
