// PoSE's position ids (Zhu et al. 2024, §3.2) and a run's RoPE scaling on its model.
#include "harness/train/context_extension.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/test_util.h"

namespace tb {
namespace {

TEST(Pose, PositionIdsSkipOnceAndCoverTheTargetInOrder) {
  Rng rng(7);
  const auto ids = pose_position_ids(4000, 16, 64, rng).contiguous();
  std::set<int64_t> seen;
  for (int64_t r = 0; r < ids.size(0); ++r) {
    const int64_t* p = ids[r].data_ptr<int64_t>();
    EXPECT_EQ(p[0], 0);
    int skips = 0;
    for (int64_t t = 1; t < 16; ++t) {
      ASSERT_GT(p[t], p[t - 1]) << "row " << r;  // strictly increasing: no overlap, order kept
      skips += p[t] != p[t - 1] + 1;
    }
    EXPECT_LE(skips, 1);
    EXPECT_LT(p[15], 64);
    seen.insert(p, p + 16);
  }
  EXPECT_EQ(seen.size(), 64u);  // every position of [0, 64) trained on
}

TEST(Pose, RowsAsLongAsTheTargetKeepTheirPositions) {
  Rng rng(1);
  EXPECT_TRUE(torch::equal(pose_position_ids(3, 8, 8, rng), torch::arange(8).repeat({3, 1})));
}

TEST(Pose, ExplicitPlainPositionsEqualNoPositionsBitForBit) {
  torch::manual_seed(0);
  LlamaForCausalLM model(testing::tiny_config());
  const auto ids = torch::randint(0, 259, {2, 12});
  EXPECT_TRUE(torch::equal(model->forward(ids, nullptr, torch::arange(12).repeat({2, 1})), model->forward(ids)));
  Rng rng(2);
  const auto skipped = pose_position_ids(2, 12, 48, rng);
  EXPECT_FALSE(torch::allclose(model->forward(ids, nullptr, skipped), model->forward(ids)));
}

TEST(Pose, WindowsKeepEachTokenWithItsLabelAndPosition) {
  const auto row = torch::arange(100, 132).repeat({3, 1});  // token t at position t - 100
  Batch batch{row, row + 1};
  TrainingOptions o;
  EXPECT_FALSE(with_pose_positions(batch, o, 1, 0).position_ids.defined());
  o.pose_window = 8;
  const Batch w = with_pose_positions(batch, o, 1, 5);
  ASSERT_EQ(w.input_ids.sizes(), (std::vector<int64_t>{3, 8}));
  EXPECT_TRUE(torch::equal(w.input_ids, w.position_ids + 100));
  EXPECT_TRUE(torch::equal(w.labels, w.input_ids + 1));
  EXPECT_TRUE(torch::equal(with_pose_positions(batch, o, 1, 5).position_ids, w.position_ids))
      << "the same draw for the same step (resume)";
  o.pose_window = 32;  // as long as the row: unchanged
  EXPECT_FALSE(with_pose_positions(batch, o, 1, 5).position_ids.defined());
}

TEST(ContextExtension, RunScalingPivotsOnTheTrainedLength) {
  TrainingOptions o;
  EXPECT_TRUE(rope_scaling_of(o, 128).type.empty());
  o.rope_scaling = "yarn";
  o.rope_factor = 4;
  const RopeScaling r = rope_scaling_of(o, 128);
  EXPECT_EQ(r.type, "yarn");
  EXPECT_EQ(r.factor, 4);
  EXPECT_EQ(r.original_max_position_embeddings, 128);
  o.rope_original_length = 100;
  EXPECT_EQ(rope_scaling_of(o, 128).original_max_position_embeddings, 100);
}

}  // namespace
}  // namespace tb
