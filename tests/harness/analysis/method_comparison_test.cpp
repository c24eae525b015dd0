#include "harness/analysis/method_comparison.h"

#include <gtest/gtest.h>

#include <cmath>

#include "harness/common/check.h"
#include "harness/store/store.h"
#include "tests/harness/report/report_fixture.h"
#include "tests/test_util.h"

namespace tb {
namespace {

class CompareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_fixture_sweep(dir_.path() / "db.sqlite", "fixture", testing::fixture_runs());
  }
  const MetricComparison& metric(const Comparison& c, const std::string& name) {
    for (const auto& m : c.metrics) {
      if (m.metric == name) return m;
    }
    throw std::runtime_error("no metric " + name);
  }
  testing::ScratchDir dir_{"compare"};
};

// The case: items of these runs differ massively (McNemar p = 2/4096), yet over 3
// seeds the accuracy difference is not distinguishable from seed noise. The verdict follows
// the interval over seeds; McNemar is printed as conditional on these runs.
TEST_F(CompareTest, ThreeSeedsGiveAnIntervalOverSeedsAndAVerdictThatFollowsIt) {
  Store store(dir_.path() / "db.sqlite");
  const Comparison c = compare_runs(store, "full_ft", testing::kHostileVariant, {});
  ASSERT_EQ(c.metrics.size(), 3u);  // task accuracy, forgetting held-out CE and its Δ
  const auto& m = metric(c, "task_accuracy accuracy");
  EXPECT_FALSE(m.lower_is_better);
  EXPECT_EQ(m.difference.basis, IntervalBasis::kOverSeeds);
  // Per-seed differences {-0.2, -0.2, -0.5}: mean -0.3, SD sqrt(0.03), SE 0.1, t(2) = 4.303.
  EXPECT_NEAR(m.difference.value, -0.3, 1e-12);
  EXPECT_NEAR(m.difference.low, -0.3 - 4.303 * 0.1, 1e-9);
  EXPECT_NEAR(m.difference.high, -0.3 + 4.303 * 0.1, 1e-9);
  ASSERT_TRUE(m.mcnemar.has_value());
  EXPECT_EQ(m.mcnemar->only_a, 12);
  EXPECT_NEAR(m.mcnemar->p_value, 2.0 / 4096, 1e-12);
  EXPECT_NE(m.sentence.find("lower than \"full_ft lr=0.001\" (worse)"), std::string::npos)
      << m.sentence;
  EXPECT_NE(m.sentence.find("not distinguishable from seed-to-seed noise"), std::string::npos)
      << m.sentence;
  EXPECT_NEAR(m.a.value, 0.9, 1e-12);
  EXPECT_LE(m.a.high, 1.0) << "a proportion's interval stays in [0, 1]";

  const auto& ce = metric(c, "Δ forgetting held_out_ce");
  EXPECT_TRUE(ce.lower_is_better);
  EXPECT_NE(ce.sentence.find("(better)"), std::string::npos) << ce.sentence;  // lora forgets less

  const std::string text = comparison_text(c);
  EXPECT_NE(text.find("task_accuracy accuracy (higher is better)"), std::string::npos) << text;
  EXPECT_NE(text.find("Δ forgetting held_out_ce (lower is better)"), std::string::npos) << text;
  EXPECT_NE(text.find("over 3 seeds (Student t, 2 df)"), std::string::npos) << text;
  EXPECT_NE(text.find("McNemar on these runs' 0/1 items (conditional on these runs)"),
            std::string::npos)
      << text;
}

TEST_F(CompareTest, TwoSeedsGiveAConditionalIntervalPairedByItemWithEachSeedsValue) {
  auto two = testing::fixture_runs();
  std::erase_if(two, [](const auto& r) { return r.seed == 2; });
  testing::write_fixture_sweep(dir_.path() / "two.sqlite", "two", two);
  Store store(dir_.path() / "two.sqlite");
  const auto c = compare_runs(store, "full_ft", "lora", {});
  const auto& m = metric(c, "task_accuracy accuracy");
  EXPECT_EQ(m.difference.basis, IntervalBasis::kConditional);
  EXPECT_EQ(m.difference.per_seed, (std::vector<double>{0.6 - 0.8, 0.7 - 0.9}));
  // Item differences: seed 0 three -1 of 10 (SE sqrt(0.2333/10)), seed 1 four (SE sqrt(0.2667/10)):
  // SE = sqrt(0.02333 + 0.02667) / 2.
  EXPECT_NEAR(m.difference.stderr_value, std::sqrt(0.05) / 2, 1e-9);
  EXPECT_NE(m.difference.pairing.find("paired by item within 2 seeds"), std::string::npos)
      << m.difference.pairing;
  EXPECT_NE(comparison_text(c).find("conditional on these 2 runs"), std::string::npos);
}

TEST_F(CompareTest, TwoSingleRunsPairByItem) {
  Store store(dir_.path() / "db.sqlite");
  const Comparison c = compare_runs(store, "fixture-full2", "fixture-full0", {});
  EXPECT_TRUE(c.a.single_run);
  const auto& m = metric(c, "task_accuracy accuracy");
  EXPECT_NEAR(m.difference.value, -0.2, 1e-12);
  EXPECT_EQ(m.difference.basis, IntervalBasis::kConditional);
  EXPECT_NEAR(m.difference.stderr_value, std::sqrt(1.6 / 9 / 10), 1e-9);  // items 8, 9 lost
  EXPECT_NEAR(m.mcnemar->p_value, 0.5, 1e-12);                            // b = 2, c = 0: 2 * 1/4
  EXPECT_NE(m.sentence.find("do not differ beyond their item noise"), std::string::npos)
      << m.sentence;
}

TEST_F(CompareTest, UnknownAndAmbiguousNamesAreUserErrorsListingTheChoices) {
  Store store(dir_.path() / "db.sqlite");
  EXPECT_THROW(compare_runs(store, "full_ft", "dora", {}), UserError);
  EXPECT_THROW(compare_runs(store, "full_ft", "full_ft", {}), UserError);
  EXPECT_THROW(compare_runs(store, "full_ft", "lora", {"", "reasoning"}),
               UserError);  // no such metrics
  EXPECT_THROW(compare_runs(store, "full_ft", "lora", {"nope", ""}), UserError);
  // "full_ft" also names a variant whose only run failed: as a method name it means the
  // variant with results, as a label it has nothing to compare.
  EXPECT_THROW(select_runs(store, "fixture", "full_ft lr=0.1"), UserError);  // no finished runs
}

}  // namespace
}  // namespace tb
