#include "harness/analysis/regression_check.h"

#include <gtest/gtest.h>

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/store/store.h"
#include "tests/harness/report/report_fixture.h"
#include "tests/test_util.h"

namespace tb {
namespace {

const std::vector<MetricTolerance> kTolerances = {{"task_accuracy accuracy", 0.02, true},
                                                  {"forgetting held_out_ce", 0.05, false}};

RegressionResult check(const std::vector<testing::FixtureRun>& candidate, const VariantMap& map = {}) {
  testing::ScratchDir dir("regress");
  testing::write_fixture_sweep(dir.path() / "base.sqlite", "fixture", testing::fixture_runs());
  testing::write_fixture_sweep(dir.path() / "cand.sqlite", "fixture", candidate);
  Store base(dir.path() / "base.sqlite"), cand(dir.path() / "cand.sqlite");
  return check_regressions({&base, "fixture"}, {&cand, "fixture"}, kTolerances, map);
}

TEST(Regress, IdenticalSweepsPass) {
  const auto r = check(testing::fixture_runs());
  EXPECT_EQ(r.checks.size(), 4u);  // 2 variants x 2 metrics
  EXPECT_FALSE(r.regressed());
  EXPECT_FALSE(r.missing());
  for (const auto& c : r.checks) EXPECT_DOUBLE_EQ(c.worse.value, 0);
}

TEST(Regress, SeedNoiseWithinToleranceIsNotARegression) {
  // Each seed moves by up to ±0.03 (more than the 0.02 tolerance on single seeds), with
  // mean change 0.01: the paired interval straddles the tolerance, so no regression.
  auto runs = testing::fixture_runs();
  const double noise[] = {0.03, -0.02, 0.02, -0.01, 0.0, 0.01};
  for (size_t i = 0; i < runs.size(); ++i) runs[i].accuracy -= noise[i];
  const auto r = check(runs);
  EXPECT_FALSE(r.regressed()) << regression_text(r);
}

TEST(Regress, APlantedRegressionIsFlaggedWithItsSize) {
  auto runs = testing::fixture_runs();
  const double drop[] = {0.21, 0.19, 0.20};  // full_ft loses about 0.2 on every seed
  for (auto& r : runs) {
    if (r.method == "full_ft") r.accuracy -= drop[r.seed];
  }
  const auto r = check(runs);
  ASSERT_TRUE(r.regressed());
  const MetricCheck& c = r.checks.front();  // regressions sort first
  EXPECT_EQ(c.status, CheckStatus::kRegressed);
  EXPECT_EQ(c.variant, "full_ft lr=0.001");
  EXPECT_EQ(c.metric, "task_accuracy accuracy");
  EXPECT_NEAR(c.worse.value, 0.2, 1e-9);
  // Paired t over 3 seeds: SD of {0.21, 0.19, 0.20} = 0.01, SE = 0.01/sqrt(3), t(2) = 4.303.
  EXPECT_NEAR(c.worse.low, 0.2 - 4.303 * 0.01 / std::sqrt(3.0), 1e-9);
  EXPECT_EQ(c.worse.pairing, "paired by seed");
  EXPECT_EQ(std::count_if(r.checks.begin(), r.checks.end(),
                          [](const MetricCheck& m) { return m.status == CheckStatus::kRegressed; }),
            1);
}

TEST(Regress, LowerIsBetterMetricsRegressUpwards) {
  auto runs = testing::fixture_runs();
  for (auto& r : runs) r.delta_ce -= 1.0;  // held_out_ce drops by 1: better, not worse
  EXPECT_FALSE(check(runs).regressed());
  for (auto& r : runs) r.delta_ce += 2.0;  // now 1 higher than the baseline: worse
  const auto r = check(runs);
  ASSERT_TRUE(r.regressed());
  EXPECT_EQ(r.checks.front().metric, "forgetting held_out_ce");
  EXPECT_NEAR(r.checks.front().worse.value, 1.0, 1e-9);
}

TEST(Regress, AMissingRunIsMissingNotARegressionAndAnUnknownMetricIsAUserError) {
  auto runs = testing::fixture_runs();
  std::erase_if(runs, [](const auto& r) { return r.method == "lora"; });
  const auto r = check(runs);
  EXPECT_FALSE(r.regressed());
  EXPECT_TRUE(r.missing());
  EXPECT_EQ(r.checks.front().status, CheckStatus::kMissing);
  EXPECT_NE(regression_text(r).find("MISSING   " + testing::kHostileVariant), std::string::npos) << regression_text(r);
  EXPECT_NE(regression_text(r).find("2 could not be checked (missing)"), std::string::npos) << regression_text(r);

  testing::ScratchDir dir("regress");
  testing::write_fixture_sweep(dir.path() / "db.sqlite", "fixture", testing::fixture_runs());
  Store store(dir.path() / "db.sqlite");
  EXPECT_THROW(check_regressions({&store, "fixture"}, {&store, "fixture"}, {{"task_accuracy f1", 0.1, true}}),
               UserError);
}

// A new method gated against a baseline method: the candidate's full_ft is renamed "dora
// lr=0.001" (same numbers), and --map pairs it with the baseline's full_ft.
TEST(Regress, MapGatesANewMethodAgainstABaselineMethod) {
  auto renamed = testing::fixture_runs();
  for (auto& r : renamed) {
    if (r.method == "full_ft") r.method = "dora", r.variant = "dora lr=0.001";
  }
  const auto unmapped = check(renamed);
  EXPECT_TRUE(unmapped.missing());
  EXPECT_EQ(unmapped.unmatched, (std::vector<std::string>{"dora lr=0.001"}));

  const VariantMap map = {"full_ft lr=0.001=dora lr=0.001"};  // labels hold '=': split where both name variants
  const auto same = check(renamed, map);
  EXPECT_FALSE(same.regressed());
  EXPECT_FALSE(same.missing());
  EXPECT_TRUE(same.unmatched.empty());

  for (auto& r : renamed) r.accuracy -= r.method == "dora" ? 0.2 : 0;
  const auto dropped = check(renamed, map);
  ASSERT_TRUE(dropped.regressed());
  EXPECT_EQ(dropped.checks.front().candidate_variant, "dora lr=0.001");
  EXPECT_NE(regression_text(dropped).find("REGRESSED full_ft lr=0.001 -> dora lr=0.001 · task_accuracy accuracy"),
            std::string::npos)
      << regression_text(dropped);

  EXPECT_THROW(check(renamed, {"full_ft lr=0.001=nope"}), UserError);
}

TEST(Regress, OneBaselineRunPairsWithTheCandidatesRunOfItsSeedConditionally) {
  testing::ScratchDir dir("regress");
  auto one_seed = testing::fixture_runs();
  std::erase_if(one_seed, [](const auto& r) { return r.seed != 0; });
  testing::write_fixture_sweep(dir.path() / "base.sqlite", "fixture", one_seed);
  auto candidate = testing::fixture_runs();
  for (auto& r : candidate) r.accuracy -= 0.1;
  testing::write_fixture_sweep(dir.path() / "cand.sqlite", "fixture", candidate);
  Store base(dir.path() / "base.sqlite"), cand(dir.path() / "cand.sqlite");
  const auto r = check_regressions({&base, "fixture"}, {&cand, "fixture"}, {{"task_accuracy accuracy", 0.02, true}});
  const MetricCheck& full = r.checks[0].variant == "full_ft lr=0.001" ? r.checks[0] : r.checks[1];
  EXPECT_EQ(full.worse.basis, IntervalBasis::kConditional);
  EXPECT_EQ(full.worse.pairing, "paired by item within 1 seed");
  EXPECT_NEAR(full.worse.value, 0.1, 1e-12);
  // The stored aggregates moved, the items did not: the item-level SE of the differences is 0.
  EXPECT_NEAR(full.worse.low, 0.1, 1e-12);
  EXPECT_EQ(full.status, CheckStatus::kRegressed);
}

TEST(Regress, ToleranceFilesAreValidatedWithTheirPath) {
  testing::ScratchDir dir("tolerances");
  const auto file = dir.path() / "tol.json";
  write_file_atomically(file, R"({"metrics": {"forgetting held_out_ce": {"tolerance": 0.1},
                                             "task_accuracy accuracy": {"tolerance": 0.02, "better": "higher"}}})");
  const auto t = read_tolerances(file);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_FALSE(t[0].higher_is_better);  // from the name: cross-entropy
  EXPECT_TRUE(t[1].higher_is_better);
  for (const char* bad :
       {R"({"metrics": {"a b": {"tolerance": -1}}})", R"({"metrics": {"a b": {"tol": 1}}})",
        R"({"metrics": {}})", R"({"metric": {}})", "{",
        R"({"metrics": {"a b": {"tolerance": 1, "better": "up"}}})",
        R"({"metrics": {"a b": {"tolerance": 1}, "a b": {"tolerance": 2}}})",
        R"({"metrics": {"a b": {"tolerance": 1e999}}})"}) {
    write_file_atomically(file, bad);
    try {
      read_tolerances(file);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find("tol.json"), std::string::npos) << e.what();
    }
  }
}

TEST(Regress, DirectionFromTheMetricName) {
  EXPECT_TRUE(lower_is_better("forgetting held_out_ce"));
  EXPECT_TRUE(lower_is_better("forgetting kl_from_base"));
  EXPECT_TRUE(lower_is_better("train_loss"));
  EXPECT_FALSE(lower_is_better("task_accuracy accuracy"));
  EXPECT_FALSE(lower_is_better("forgetting control_retention"));
  EXPECT_FALSE(lower_is_better("reasoning sequence_accuracy"));
}

}  // namespace
}  // namespace tb
