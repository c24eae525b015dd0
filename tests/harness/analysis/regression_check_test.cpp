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

std::vector<MetricCheck> check(const std::vector<testing::FixtureRun>& candidate) {
  testing::ScratchDir dir("regress");
  testing::write_fixture_sweep(dir.path() / "base.sqlite", "fixture", testing::fixture_runs());
  testing::write_fixture_sweep(dir.path() / "cand.sqlite", "fixture", candidate);
  Store base(dir.path() / "base.sqlite"), cand(dir.path() / "cand.sqlite");
  return check_regressions({&base, "fixture"}, {&cand, "fixture"}, kTolerances);
}

bool any_regressed(const std::vector<MetricCheck>& checks) {
  for (const auto& c : checks) {
    if (c.regressed) return true;
  }
  return false;
}

TEST(Regress, IdenticalSweepsPass) {
  const auto checks = check(testing::fixture_runs());
  EXPECT_EQ(checks.size(), 4u);  // 2 variants x 2 metrics
  EXPECT_FALSE(any_regressed(checks));
  for (const auto& c : checks) EXPECT_DOUBLE_EQ(c.worse_by, 0);
}

TEST(Regress, SeedNoiseWithinToleranceIsNotARegression) {
  // Each seed moves by up to ±0.03 (more than the 0.02 tolerance on single seeds), with
  // mean change 0.01: the paired interval straddles the tolerance, so no regression.
  auto runs = testing::fixture_runs();
  const double noise[] = {0.03, -0.02, 0.02, -0.01, 0.0, 0.01};
  for (size_t i = 0; i < runs.size(); ++i) runs[i].accuracy -= noise[i];
  const auto checks = check(runs);
  EXPECT_FALSE(any_regressed(checks)) << regression_text(checks);
}

TEST(Regress, APlantedRegressionIsFlaggedWithItsSize) {
  auto runs = testing::fixture_runs();
  const double drop[] = {0.21, 0.19, 0.20};  // full_ft loses about 0.2 on every seed
  for (auto& r : runs) {
    if (r.method == "full_ft") r.accuracy -= drop[r.seed];
  }
  const auto checks = check(runs);
  ASSERT_TRUE(any_regressed(checks));
  const MetricCheck& c = checks.front();  // regressions sort first
  EXPECT_TRUE(c.regressed);
  EXPECT_EQ(c.variant, "full_ft lr=0.001");
  EXPECT_EQ(c.metric, "task_accuracy accuracy");
  EXPECT_NEAR(c.worse_by, 0.2, 1e-9);
  // Paired t over 3 seeds: SD of {0.21, 0.19, 0.20} = 0.01, SE = 0.01/sqrt(3), t(2) = 4.303.
  EXPECT_NEAR(c.worse_low, 0.2 - 4.303 * 0.01 / std::sqrt(3.0), 1e-9);
  EXPECT_EQ(c.pairing, "paired over 3 seeds");
  EXPECT_EQ(std::count_if(checks.begin(), checks.end(), [](const MetricCheck& m) { return m.regressed; }), 1);
}

TEST(Regress, LowerIsBetterMetricsRegressUpwards) {
  auto runs = testing::fixture_runs();
  for (auto& r : runs) r.delta_ce -= 1.0;  // held_out_ce drops by 1: better, not worse
  EXPECT_FALSE(any_regressed(check(runs)));
  for (auto& r : runs) r.delta_ce += 2.0;  // now 1 higher than the baseline: worse
  const auto checks = check(runs);
  ASSERT_TRUE(any_regressed(checks));
  EXPECT_EQ(checks.front().metric, "forgetting held_out_ce");
  EXPECT_NEAR(checks.front().worse_by, 1.0, 1e-9);
}

TEST(Regress, AMissingVariantFailsAndAnUnknownMetricIsAUserError) {
  auto runs = testing::fixture_runs();
  runs.erase(std::remove_if(runs.begin(), runs.end(), [](const auto& r) { return r.method == "lora"; }), runs.end());
  const auto checks = check(runs);
  ASSERT_TRUE(any_regressed(checks));
  EXPECT_FALSE(checks.front().missing.empty());

  testing::ScratchDir dir("regress");
  testing::write_fixture_sweep(dir.path() / "db.sqlite", "fixture", testing::fixture_runs());
  Store store(dir.path() / "db.sqlite");
  EXPECT_THROW(check_regressions({&store, "fixture"}, {&store, "fixture"}, {{"task_accuracy f1", 0.1, true}}),
               UserError);
}

TEST(Regress, OneBaselineRunAgainstSeveralCountsItsItemLevelError) {
  testing::ScratchDir dir("regress");
  auto one_seed = testing::fixture_runs();
  one_seed.erase(std::remove_if(one_seed.begin(), one_seed.end(), [](const auto& r) { return r.seed != 0; }),
                 one_seed.end());
  testing::write_fixture_sweep(dir.path() / "base.sqlite", "fixture", one_seed);
  testing::write_fixture_sweep(dir.path() / "cand.sqlite", "fixture", testing::fixture_runs());
  Store base(dir.path() / "base.sqlite"), cand(dir.path() / "cand.sqlite");
  const auto checks = check_regressions({&base, "fixture"}, {&cand, "fixture"}, {{"task_accuracy accuracy", 0.02, true}});
  const MetricCheck& full = checks[0].variant == "full_ft lr=0.001" ? checks[0] : checks[1];
  EXPECT_EQ(full.pairing, "unpaired (Welch, 1 vs 3 runs)");
  EXPECT_NEAR(full.worse_by, 0.8 - 0.9, 1e-12);
  // The baseline's stored item-level SE (0.02) and the candidate's seed SE (0.1 / sqrt 3), t(1).
  EXPECT_NEAR(full.worse_high - full.worse_by, 12.706 * std::sqrt(0.02 * 0.02 + 0.01 / 3), 1e-9);
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
  EXPECT_FALSE(lower_is_better("forgetting control retention"));
  EXPECT_FALSE(lower_is_better("reasoning sequence accuracy"));
}

}  // namespace
}  // namespace tb
