#include "harness/analysis/method_comparison.h"

#include <gtest/gtest.h>

#include "harness/common/check.h"
#include "harness/store/store.h"
#include "tests/harness/report/report_fixture.h"
#include "tests/test_util.h"

namespace tb {
namespace {

class CompareTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::write_fixture_sweep(dir_.path() / "db.sqlite", "fixture", testing::fixture_runs()); }
  testing::ScratchDir dir_{"compare"};
};

TEST_F(CompareTest, PairsItemsOverSeedsWithMcNemarAndASentence) {
  Store store(dir_.path() / "db.sqlite");
  const Comparison c = compare_runs(store, "full_ft", testing::kHostileVariant, {"", "", 2000, 0});
  ASSERT_EQ(c.groups.size(), 1u);
  const auto& g = c.groups[0];
  EXPECT_EQ(g.suite, "task_accuracy");
  EXPECT_EQ(g.group, "reverse");
  EXPECT_EQ(g.difference.pairs, 30);
  EXPECT_EQ(g.difference.seeds, 3);
  EXPECT_NEAR(g.mean_a, 27.0 / 30, 1e-12);
  EXPECT_NEAR(g.difference.mean, -12.0 / 30, 1e-12);  // lora is right on 5 of full_ft's 8, 9, 10
  ASSERT_TRUE(g.mcnemar.has_value());
  EXPECT_EQ(g.mcnemar->only_a, 12);
  EXPECT_EQ(g.mcnemar->only_b, 0);
  EXPECT_NEAR(g.mcnemar->p_value, 2.0 / 4096, 1e-12);
  EXPECT_LT(g.difference.high, 0);
  EXPECT_TRUE(g.distinguishable);
  EXPECT_NE(g.sentence.find("lower"), std::string::npos);
  EXPECT_NE(g.sentence.find("distinguishable from noise"), std::string::npos);
}

TEST_F(CompareTest, SingleRunsPairByItemOnly) {
  Store store(dir_.path() / "db.sqlite");
  const Comparison c = compare_runs(store, "fixture-full2", "fixture-full0", {"", "", 1000, 0});
  ASSERT_EQ(c.groups.size(), 1u);
  EXPECT_TRUE(c.a.single_run);
  EXPECT_EQ(c.groups[0].difference.pairs, 10);
  EXPECT_NEAR(c.groups[0].difference.mean, -0.2, 1e-12);
  EXPECT_NEAR(c.groups[0].mcnemar->p_value, 0.5, 1e-12);  // b = 2, c = 0: 2 * 1/4
  EXPECT_FALSE(c.groups[0].distinguishable);
  EXPECT_NE(c.groups[0].sentence.find("not distinguishable"), std::string::npos);
}

TEST_F(CompareTest, AVariantAgainstOneRunAveragesTheVariantsSeedsPerItem) {
  Store store(dir_.path() / "db.sqlite");
  // full_ft per item over its 3 seeds: items 0-7 always right, item 8 in 2 of 3, item 9 in 1.
  const Comparison c = compare_runs(store, "full_ft", "fixture-lora0", {"", "", 1000, 0});
  ASSERT_EQ(c.groups.size(), 1u);
  const auto& g = c.groups[0];
  EXPECT_EQ(g.difference.pairs, 10);
  EXPECT_EQ(g.difference.seeds, 1);
  EXPECT_NEAR(g.mean_a, 0.9, 1e-12);
  EXPECT_NEAR(g.difference.mean, 0.5 - 0.9, 1e-12);
  EXPECT_FALSE(g.mcnemar.has_value());  // the means 2/3 and 1/3 are not 0/1 scores
}

TEST_F(CompareTest, UnknownNamesAndSuitesAreUserErrors) {
  Store store(dir_.path() / "db.sqlite");
  EXPECT_THROW(compare_runs(store, "full_ft", "dora", {}), UserError);
  EXPECT_THROW(compare_runs(store, "full_ft", "full_ft", {}), UserError);
  EXPECT_THROW(compare_runs(store, "full_ft", "lora", {"", "reasoning", 1000, 0}), UserError);  // no such items
  EXPECT_THROW(compare_runs(store, "full_ft", "lora", {"nope", "", 1000, 0}), UserError);
  // "full_ft" also names a variant whose only run failed: as a method name it means the
  // variant with results, as a label it has nothing to compare.
  EXPECT_THROW(select_runs(store, "fixture", "full_ft lr=0.1"), UserError);  // no finished runs
}

}  // namespace
}  // namespace tb
