// Specs with `stages` (continual fine-tuning): what is accepted, what each refusal says,
// and the per-stage config a run trains with.
#include "harness/spec/stages.h"

#include <gtest/gtest.h>

#include "harness/spec/grid.h"
#include "harness/spec/spec.h"
#include "tests/test_util.h"

namespace tb {
namespace {

nlohmann::json staged_spec() {
  nlohmann::json doc = testing::small_spec();
  doc.erase("task");
  doc["stages"] = nlohmann::json::parse(R"([
    {"task": {"name": "reverse", "min_len": 3, "max_len": 4, "train_items": 100, "eval_items": 10}},
    {"task": {"name": "sort_letters", "min_len": 3, "max_len": 4, "train_items": 100, "eval_items": 10},
     "steps": 7, "lr_scale": 0.5},
    {"task": {"name": "caesar", "shift": 2, "train_items": 100, "eval_items": 10}}
  ])");
  return doc;
}

TEST(Stages, AStagedSpecTrainsEachStageWithItsOwnTaskStepsAndRate) {
  const Spec spec = parse_spec(staged_spec(), "spec.json");
  ASSERT_EQ(spec.stages.size(), 3u);
  EXPECT_EQ(spec.task.at("name"), "caesar") << "the spec's task is the last stage's";
  const auto runs = expand_grid(spec);
  ASSERT_FALSE(runs.empty());
  const nlohmann::json& config = runs[0].config;
  ASSERT_TRUE(is_continual(config));
  EXPECT_EQ(total_training_steps(config), 10 + 7 + 10);
  const nlohmann::json second = stage_config(config, 1);
  EXPECT_EQ(second.at("task").at("name"), "sort_letters");
  EXPECT_EQ(second.at("training").at("steps"), 7);
  EXPECT_DOUBLE_EQ(second.at("training").at("lr").get<double>(), 0.5 * config.at("training").at("lr").get<double>());
  EXPECT_FALSE(second.contains("stages"));
  EXPECT_EQ(stage_config(config, 2).at("task").at("shift"), 2);
}

TEST(Stages, ASpecWithoutStagesKeepsItsRunKeys) {
  const auto runs = expand_grid(parse_spec(testing::small_spec(), "spec.json"));
  for (const auto& run : runs) {
    EXPECT_FALSE(run.config.contains("stages"));
    EXPECT_FALSE(run.config.at("training").contains("replay"));
    EXPECT_FALSE(run.config.at("training").contains("between_stages"));
  }
}

TEST(Stages, RefusalsNameTheJsonPath) {
  auto error_with = [](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json doc = staged_spec();
    edit(doc);
    return testing::spec_error(doc);
  };
  EXPECT_NE(error_with([](auto& d) { d["task"] = d["stages"][0]["task"]; }).find("spec.json: task: a spec with stages"),
            std::string::npos);
  EXPECT_NE(error_with([](auto& d) { d["stages"].erase(1); d["stages"].erase(1); }).find("stages: expected a list of at least two"),
            std::string::npos);
  EXPECT_NE(error_with([](auto& d) { d["stages"][1].erase("task"); }).find("stages[1].task: missing"), std::string::npos);
  EXPECT_NE(error_with([](auto& d) { d["stages"][0]["task"]["max_len"] = 1; }).find("stages[0].task.min_len"),
            std::string::npos);
  EXPECT_NE(error_with([](auto& d) { d["stages"][2]["lr_scale"] = -1; }).find("stages[2].lr_scale"), std::string::npos);
  EXPECT_NE(error_with([](auto& d) { d["evaluation"].erase("task_accuracy"); }).find("evaluation: a spec with stages needs task_accuracy"),
            std::string::npos);
  EXPECT_NE(error_with([](auto& d) { d["methods"] = {{{"method", "prompt_tuning"}}}; }).find("methods[0].between_stages"),
            std::string::npos);
  EXPECT_EQ(error_with([](auto& d) { d["methods"] = {{{"method", "prompt_tuning"}, {"between_stages", "continue"}}}; }), "");
  EXPECT_NE(error_with([](auto& d) { d["methods"] = {{{"method", "o_lora"}, {"between_stages", "continue"}}}; })
                .find("o_lora starts a new adapter at every stage"),
            std::string::npos);
  EXPECT_NE(error_with([](auto& d) { d["methods"] = {{{"method", "full_ft"}, {"masked_thought_rate", 0.2}}}; })
                .find("methods[0].masked_thought_rate"),
            std::string::npos);
}

TEST(Stages, ReplayAndBetweenStagesNeedStages) {
  nlohmann::json doc = testing::small_spec();
  doc["methods"] = {{{"method", "full_ft"}, {"replay", 0.2}}};
  EXPECT_NE(testing::spec_error(doc).find("methods[0].replay: applies to specs with stages only"), std::string::npos);
  doc["methods"] = {{{"method", "full_ft"}}};
  doc["training"]["between_stages"] = "continue";
  EXPECT_NE(testing::spec_error(doc).find("training.between_stages: applies to specs with stages only"),
            std::string::npos);
  nlohmann::json staged = staged_spec();
  staged["methods"] = {{{"method", "full_ft"}, {"replay", nlohmann::json::array({0.0, 0.2})}}};
  EXPECT_EQ(testing::spec_error(staged), "");
}

}  // namespace
}  // namespace tb
