// LongLoRA's shifted sparse attention (Chen et al. 2024, §3.2, Algorithm 1) against causal
// attention computed group by group on hand-picked positions.
#include "harness/model/causal_attention.h"

#include <gtest/gtest.h>

#include "harness/model/llama.h"
#include "methods/longlora.h"
#include "tests/test_util.h"

namespace tb {
namespace {

struct Qkv {
  torch::Tensor q, k, v;
};

Qkv random_qkv(int64_t heads, int64_t t) {
  torch::manual_seed(3);
  return {torch::randn({1, heads, t, 4}), torch::randn({1, heads, t, 4}), torch::randn({1, heads, t, 4})};
}

// Causal attention of head h over the positions `order` (in that order), read at `at`.
torch::Tensor attention_over(const Qkv& x, int64_t h, const std::vector<int64_t>& order, size_t at) {
  const auto idx = torch::tensor(order, torch::kInt64);
  auto pick = [&](const torch::Tensor& t) { return t.narrow(1, h, 1).index_select(2, idx); };
  return causal_attention(pick(x.q), pick(x.k), pick(x.v), 0)[0][0][int64_t(at)];
}

TEST(ShiftedSparseAttention, OneGroupIsFullCausalAttention) {
  const Qkv x = random_qkv(2, 8);
  EXPECT_TRUE(torch::equal(shifted_sparse_attention(x.q, x.k, x.v, 1), causal_attention(x.q, x.k, x.v, 0)));
}

// T = 8, 2 groups of G = 4: head 0 attends within [0, 4) and [4, 8); head 1 (the shifted half)
// within [2, 6) and [6, 8) + [0, 2), in that order, so position 0 sits third in its group.
TEST(ShiftedSparseAttention, HalfTheHeadsSeeGroupsShiftedByHalfAGroup) {
  const Qkv x = random_qkv(2, 8);
  const auto out = shifted_sparse_attention(x.q, x.k, x.v, 2);
  EXPECT_TRUE(torch::allclose(out[0][0][5], attention_over(x, 0, {4, 5, 6, 7}, 1), 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(out[0][0][2], attention_over(x, 0, {0, 1, 2, 3}, 2), 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(out[0][1][3], attention_over(x, 1, {2, 3, 4, 5}, 1), 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(out[0][1][7], attention_over(x, 1, {6, 7, 0, 1}, 1), 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(out[0][1][0], attention_over(x, 1, {6, 7, 0, 1}, 2), 1e-6, 1e-6));
  // Head 0's position 4 starts a group: it sees itself only, unlike full attention.
  EXPECT_TRUE(torch::allclose(out[0][0][4], x.v[0][0][4], 1e-6, 1e-6));
}

// A length that is not a multiple of the group is padded at the end; the real positions of
// the unshifted heads are as without padding.
TEST(ShiftedSparseAttention, PadsToWholeGroups) {
  const Qkv x = random_qkv(2, 7);
  const auto out = shifted_sparse_attention(x.q, x.k, x.v, 2);  // G = 4, padded to 8
  ASSERT_EQ(out.size(2), 7);
  EXPECT_TRUE(torch::allclose(out[0][0][6], attention_over(x, 0, {4, 5, 6}, 2), 1e-6, 1e-6));
}

// S²-Attn acts in training mode only: in evaluation the model attends fully.
TEST(ShiftedSparseAttention, ModelUsesItInTrainingOnly) {
  torch::manual_seed(0);
  LlamaForCausalLM model(testing::tiny_config());
  const auto ids = torch::randint(0, 259, {2, 32});
  model->eval();
  const auto full = model->forward(ids);
  set_shifted_sparse_groups(model, 4);
  EXPECT_TRUE(torch::equal(model->forward(ids), full));
  model->train();
  const auto shifted = model->forward(ids);
  EXPECT_FALSE(torch::allclose(shifted, full));
  set_shifted_sparse_groups(model, 1);
  EXPECT_TRUE(torch::allclose(model->forward(ids), full, 1e-6, 1e-6));
}

}  // namespace
}  // namespace tb
