#include "methods/target_modules.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace tb {
namespace {

TEST(TargetModules, NamesSelectEveryLayerAndExpressionsMatchWholeNames) {
  const LlamaConfig c = testing::tiny_config();  // 2 layers
  const auto by_name = select_projections({"v_proj"}, c);
  ASSERT_EQ(by_name.size(), 2u);
  EXPECT_EQ(by_name[0].name, "model.layers.0.self_attn.v_proj");
  EXPECT_EQ(by_name[1].out, 16);  // 2 kv heads of 8
  EXPECT_EQ(by_name[1].in, 32);
  EXPECT_EQ(select_projections({"q_proj", "q_proj"}, c).size(), 2u) << "no duplicates";
  EXPECT_TRUE(select_projections({".*_proj"}, c).size() == 14u);
  EXPECT_THROW(select_projections({"q_pro"}, c), std::invalid_argument)
      << "a partial name is not a full match";
  EXPECT_THROW(select_projections({"lm_head"}, c), std::invalid_argument);
}

}  // namespace
}  // namespace tb
