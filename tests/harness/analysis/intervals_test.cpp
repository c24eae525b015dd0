#include "harness/analysis/intervals.h"

#include <gtest/gtest.h>

#include <cmath>

#include "harness/analysis/method_comparison.h"
#include "harness/analysis/regression_check.h"
#include "harness/report/method_table.h"
#include "harness/report/summary.h"
#include "harness/store/store.h"
#include "tests/harness/report/report_fixture.h"
#include "tests/test_util.h"

namespace tb {
namespace {

SeedValues seeds(const std::vector<double>& values, std::optional<double> se = 0.05) {
  SeedValues out;
  for (size_t i = 0; i < values.size(); ++i) out[int64_t(i)] = {values[i], se};
  return out;
}

TEST(Intervals, ThreeSeedsGiveStudentTOverSeeds) {
  const Interval i = mean_interval(seeds({0.2, 0.4, 0.6}), {0, 1});
  EXPECT_EQ(i.basis, IntervalBasis::kOverSeeds);
  EXPECT_NEAR(i.value, 0.4, 1e-12);
  EXPECT_NEAR(i.high - i.value, 4.303 * 0.2 / std::sqrt(3.0), 1e-9);  // SD 0.2, t(2)
  EXPECT_TRUE(i.per_seed.empty());
}

TEST(Intervals, FewerThanThreeSeedsAreConditionalOnTheRunsWithEachSeedsValue) {
  // The case: two seeds, 0.45 and 0.58. A t interval with 1 df would span [-0.3, 1.3].
  const Interval i = mean_interval(seeds({0.45, 0.58}, 0.05), {0, 1});
  EXPECT_EQ(i.basis, IntervalBasis::kConditional);
  EXPECT_EQ(i.per_seed, (std::vector<double>{0.45, 0.58}));
  EXPECT_NEAR(i.stderr_value, std::sqrt(2 * 0.05 * 0.05) / 2, 1e-12);
  EXPECT_NEAR(i.low, 0.515 - 1.959964 * i.stderr_value, 1e-9);
  EXPECT_NE(basis_text(i).find("conditional on these 2 runs"), std::string::npos) << basis_text(i);
  EXPECT_NE(basis_text(i).find("per seed: 0.450, 0.580"), std::string::npos) << basis_text(i);
  // Without item-level standard errors there is no interval, only the values.
  EXPECT_EQ(mean_interval(seeds({10, 20}, std::nullopt), {}).basis, IntervalBasis::kNone);
}

TEST(Intervals, ProportionsStayInZeroToOne) {
  const Interval i =
      mean_interval(seeds({0.95, 1.0, 0.7}), metric_range("passkey_accuracy@length=64", "tuned"));
  EXPECT_DOUBLE_EQ(i.high, 1.0);
  const Interval low = mean_interval(seeds({0.0, 0.02}, 0.1), metric_range("accuracy", "tuned"));
  EXPECT_DOUBLE_EQ(low.low, 0.0);
  const ValueRange delta = metric_range("accuracy", "delta");
  EXPECT_EQ(delta.low, -1);
  EXPECT_EQ(delta.high, 1);
  EXPECT_EQ(difference_range({0, 1}).low, -1);
  EXPECT_EQ(metric_range("held_out_ce", "delta").low, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(metric_range("kl_from_base", "tuned").low, 0);
}

TEST(Intervals, DifferencesPairBySeedAndTheVerdictFollowsTheInterval) {
  const Interval d = difference_interval(seeds({0.5, 0.6, 0.7}), seeds({0.6, 0.7, 0.85}), {-1, 1});
  EXPECT_EQ(d.basis, IntervalBasis::kOverSeeds);
  EXPECT_EQ(d.pairing, "paired by seed");
  EXPECT_NEAR(d.value, 0.35 / 3, 1e-12);
  EXPECT_TRUE(d.excludes_zero());  // differences {0.1, 0.1, 0.15}: SE 0.0167, t(2) = 4.303
  EXPECT_NE(difference_verdict(d).find("distinguishable from seed-to-seed noise"),
            std::string::npos);
  const Interval wide =
      difference_interval(seeds({0.5, 0.6, 0.7}), seeds({0.9, 0.3, 0.8}), {-1, 1});
  EXPECT_FALSE(wide.excludes_zero());
  EXPECT_NE(difference_verdict(wide).find("not distinguishable"), std::string::npos);
  // Different seeds on each side, 3 or more each: Welch over seeds.
  SeedValues shifted;
  for (const auto& [seed, v] : seeds({0.6, 0.7, 0.9})) shifted[seed + 10] = v;
  EXPECT_EQ(difference_interval(seeds({0.5, 0.6, 0.7}), shifted, {-1, 1}).pairing,
            "unpaired (Welch SE, min(k) − 1 df, 3 vs 3 seeds)");
  // One seed each: conditional, with the items' paired standard error when known.
  const Interval one = difference_interval(seeds({0.5}), seeds({0.7}), {-1, 1}, {{0, 0.01}});
  EXPECT_EQ(one.basis, IntervalBasis::kConditional);
  EXPECT_NEAR(one.high - one.value, 1.959964 * 0.01, 1e-12);
  EXPECT_NE(difference_verdict(one).find("says nothing about other seeds"), std::string::npos);
}

// The same question gets the same interval from `run`'s table, `report`, `compare` and
// `regress`, at 3 seeds (over seeds) and at 2 (conditional).
class SameIntervalEverywhere : public ::testing::TestWithParam<int> {};

TEST_P(SameIntervalEverywhere, RunReportCompareAndRegressAgree) {
  testing::ScratchDir dir("same-interval");
  auto runs = testing::fixture_runs();
  std::erase_if(runs, [&](const auto& r) { return r.seed >= GetParam(); });
  testing::write_fixture_sweep(dir.path() / "db.sqlite", "fixture", runs);
  Store store(dir.path() / "db.sqlite");
  const std::string full = "full_ft lr=0.001", lora = testing::kHostileVariant;

  const Comparison c = compare_runs(store, full, lora, {});
  const MetricComparison* accuracy = nullptr;
  for (const auto& m : c.metrics) {
    if (m.metric == "task_accuracy accuracy") accuracy = &m;
  }
  ASSERT_NE(accuracy, nullptr);
  const auto expected = GetParam() >= 3 ? IntervalBasis::kOverSeeds : IntervalBasis::kConditional;
  EXPECT_EQ(accuracy->difference.basis, expected);

  const MethodTable report = method_table(store, RunFilter{"fixture", {}});
  const Interval& in_report = *report.rows[1][2].estimate;  // full_ft's target accuracy
  ASSERT_EQ(report.fields[2].id, "target_accuracy");
  const Interval& in_run =
      summarize_sweep(store, "fixture").rows[1].cells.at("task_accuracy accuracy");
  for (const Interval* i : {&in_report, &in_run}) {
    EXPECT_EQ(i->basis, accuracy->a.basis);
    EXPECT_DOUBLE_EQ(i->value, accuracy->a.value);
    EXPECT_DOUBLE_EQ(i->low, accuracy->a.low);
    EXPECT_DOUBLE_EQ(i->high, accuracy->a.high);
  }

  const auto regress =
      check_regressions({&store, "fixture"}, {&store, "fixture"},
                        {{"task_accuracy accuracy", 0.0, true}}, {full + "=" + lora});
  const MetricCheck& check =
      regress.checks.front().variant == full ? regress.checks.front() : regress.checks.back();
  ASSERT_EQ(check.candidate_variant, lora);
  // worse by = −(lora − full_ft): the same interval, mirrored.
  EXPECT_EQ(check.worse.basis, accuracy->difference.basis);
  EXPECT_DOUBLE_EQ(check.worse.value, -accuracy->difference.value);
  EXPECT_DOUBLE_EQ(check.worse.low, -accuracy->difference.high);
  EXPECT_DOUBLE_EQ(check.worse.high, -accuracy->difference.low);
}

INSTANTIATE_TEST_SUITE_P(Seeds, SameIntervalEverywhere, ::testing::Values(2, 3));

}  // namespace
}  // namespace tb
