// evaluation.every and evaluation.during: each run's schedule in its config, and what is refused.
#include "harness/spec/evaluation_section.h"

#include <gtest/gtest.h>

#include "harness/spec/grid.h"
#include "tests/test_util.h"

namespace tb {
namespace {

std::vector<int64_t> schedule_of(const RunConfig& run) {
  return run.config.at("evaluation_during").at("steps").get<std::vector<int64_t>>();
}

TEST(EvaluationDuring, EveryGivesEachRunItsStepsEndingAtTheLast) {
  auto doc = testing::small_spec();
  doc["methods"] = nlohmann::json::parse(R"([{"method": "full_ft", "steps": [10, 25]}])");
  doc["evaluation"]["every"] = 10;
  const auto runs = expand_grid(parse_spec(doc, "s.json"));
  ASSERT_EQ(runs.size(), 4u);  // 2 step budgets x 2 seeds
  EXPECT_EQ(schedule_of(runs[0]), (std::vector<int64_t>{10}));
  EXPECT_EQ(schedule_of(runs[2]), (std::vector<int64_t>{10, 20, 25}));
  EXPECT_EQ(runs[0].config.at("evaluation_during").at("suites"), runs[0].config.at("evaluation"))
      << "the run's own suites unless `during` names others";
  EXPECT_FALSE(runs[0].config.at("evaluation").contains("every")) << "the suites stay suites";
}

TEST(EvaluationDuring, AListOfStepsAndCheaperSuites) {
  auto doc = testing::small_spec();
  doc["evaluation"]["every"] = {8, 3, 3, 50};
  doc["evaluation"]["during"] = {{"forgetting", {{"sequences", 2}, {"seq_len", 16}}}};
  const auto runs = expand_grid(parse_spec(doc, "s.json"));
  EXPECT_EQ(schedule_of(runs[0]), (std::vector<int64_t>{3, 8, 10})) << "sorted, once each, past the last left out";
  const auto& suites = runs[0].config.at("evaluation_during").at("suites");
  ASSERT_EQ(suites.size(), 1u);
  EXPECT_EQ(suites.at("forgetting").at("sequences"), 2);
  EXPECT_EQ(suites.at("forgetting").at("control_items"), 100) << "defaults filled as for any suite";
}

TEST(EvaluationDuring, WithoutItRunKeysAreUnchanged) {
  auto doc = testing::small_spec();
  const auto plain = expand_grid(parse_spec(doc, "s.json"));
  EXPECT_FALSE(plain[0].config.contains("evaluation_during"));
  doc["evaluation"]["every"] = 5;
  const auto evaluated = expand_grid(parse_spec(doc, "s.json"));
  EXPECT_NE(plain[0].key, evaluated[0].key) << "a run evaluated during training records more: its own key";
}

TEST(EvaluationDuring, RefusalsNameThePath) {
  auto with = [](const char* every, const char* during = nullptr) {
    auto doc = testing::small_spec();
    doc["evaluation"]["every"] = nlohmann::json::parse(every);
    if (during != nullptr) doc["evaluation"]["during"] = nlohmann::json::parse(during);
    return testing::spec_error(doc);
  };
  EXPECT_NE(with("0").find("evaluation.every"), std::string::npos) << with("0");
  EXPECT_NE(with("\"often\"").find("evaluation.every: expected a step interval"), std::string::npos);
  EXPECT_NE(with("[]").find("evaluation.every: expected a step interval or a non-empty list"), std::string::npos);
  EXPECT_NE(with("[5, -1]").find("evaluation.every[1]"), std::string::npos) << with("[5, -1]");
  EXPECT_NE(with("5", R"({"nope": {}})").find("evaluation.during.nope: unknown evaluation suite"), std::string::npos);
  EXPECT_NE(with("5", "{}").find("evaluation.during: expected an object naming at least one suite"),
            std::string::npos);
  auto doc = testing::small_spec();
  doc["evaluation"]["during"] = {{"forgetting", nlohmann::json::object()}};
  EXPECT_NE(testing::spec_error(doc).find("evaluation.during: needs evaluation.every"), std::string::npos);
  auto staged = testing::small_spec();
  staged.erase("task");
  staged["stages"] = nlohmann::json::parse(R"([
    {"task": {"name": "reverse", "min_len": 3, "max_len": 4, "train_items": 100, "eval_items": 10}},
    {"task": {"name": "sort_letters", "min_len": 3, "max_len": 4, "train_items": 100, "eval_items": 10}}])");
  EXPECT_EQ(testing::spec_error(staged), "");
  staged["evaluation"]["every"] = 5;
  EXPECT_NE(testing::spec_error(staged).find("evaluation.every: is not for specs with stages"), std::string::npos)
      << testing::spec_error(staged);
}

}  // namespace
}  // namespace tb
