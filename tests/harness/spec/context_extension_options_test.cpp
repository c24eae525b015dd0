// The context-extension options of a spec: what a run's config records, and what each
// refusal says.
#include "harness/spec/context_extension_options.h"

#include <gtest/gtest.h>

#include "harness/spec/grid.h"
#include "harness/spec/spec.h"
#include "tests/test_util.h"

namespace tb {
namespace {

nlohmann::json extension_spec() {
  nlohmann::json doc = testing::small_spec();
  doc["task"] = {{"name", "long_documents"}, {"length", 60}, {"train_items", 20}, {"eval_items", 4}};
  doc["evaluation"] = {{"long_context", {{"tasks", {"passkey"}}, {"lengths", {48, 56}}, {"items_per_cell", 1},
                                         {"position_loss_length", 64}, {"position_loss_buckets", 4}}}};
  doc["methods"] = nlohmann::json::parse(R"([
    {"method": "lora", "rope_scaling": ["none", "linear", "dynamic", "yarn"], "rope_factor": 2},
    {"method": "longlora", "pose_window": 16}
  ])");
  return doc;
}

std::string error_with(const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json doc = extension_spec();
  edit(doc);
  return testing::spec_error(doc);
}

TEST(ContextExtensionOptions, RunConfigsRecordOnlyWhatIsSet) {
  nlohmann::json doc = extension_spec();
  doc["methods"][0] = {{"method", "lora"}, {"rope_scaling", {"linear", "yarn"}}, {"rope_factor", 2}};
  doc["methods"].push_back({{"method", "full_ft"}});
  const auto runs = expand_grid(parse_spec(doc, "spec.json"));
  int scaled = 0, posed = 0, plain = 0;
  for (const auto& run : runs) {
    const auto& t = run.config.at("training");
    if (t.contains("rope_scaling")) {
      ++scaled;
      EXPECT_EQ(t.at("rope_factor"), 2.0);
    }
    if (t.contains("pose_window")) ++posed;
    if (!t.contains("rope_scaling") && !t.contains("pose_window")) ++plain;
    EXPECT_FALSE(t.contains("rope_original_length"));
  }
  EXPECT_EQ(scaled, 2 * 2);  // 2 scalings x 2 seeds
  EXPECT_EQ(posed, 2);
  EXPECT_EQ(plain, 2);
}

// long_documents continues pretraining on the base model's own mixture unless it gives
// weights of its own; the run config records them.
TEST(ContextExtensionOptions, LongDocumentsDefaultToTheBaseModelsMixture) {
  nlohmann::json doc = extension_spec();
  doc["base_model"]["pretraining"]["long_context_weight"] = 0.9;
  doc["base_model"]["pretraining"]["repeat_weight"] = 0.3;
  doc["task"]["prose_weight"] = 0.5;
  const auto runs = expand_grid(parse_spec(doc, "spec.json"));
  const nlohmann::json& task = runs.front().config.at("task");
  EXPECT_EQ(task.at("long_context_weight"), 0.9);
  EXPECT_EQ(task.at("repeat_weight"), 0.3);
  EXPECT_EQ(task.at("prose_weight"), 0.5) << "given by the task";
  EXPECT_EQ(task.at("copy_weight"), 0.15) << "the base model's, the mixture's default";
  doc["task"]["chain_weight"] = -1;
  EXPECT_NE(testing::spec_error(doc).find("task.chain_weight"), std::string::npos) << testing::spec_error(doc);
}

TEST(ContextExtensionOptions, RefusalsNameTheJsonPath) {
  auto fixed = [](nlohmann::json& d) { d["methods"][0]["rope_scaling"] = "yarn"; };
  EXPECT_EQ(error_with(fixed), "");
  EXPECT_EQ(testing::spec_error(extension_spec()), "") << "a sweep over none and scalings shares one factor";
  EXPECT_NE(error_with([&](auto& d) { fixed(d); d["methods"][0]["rope_factor"] = 1; })
                .find("methods[0].rope_factor: rope_scaling \"yarn\" needs a factor above 1"),
            std::string::npos);
  EXPECT_NE(error_with([&](auto& d) { fixed(d); d["methods"][0]["rope_original_length"] = 65; })
                .find("methods[0].rope_original_length: exceeds the base model's max_position_embeddings (64)"),
            std::string::npos);
  EXPECT_NE(error_with([&](auto& d) {
              fixed(d);
              d["methods"][1] = {{"method", "prompt_tuning"}, {"pose_window", 16}};
            }).find("methods[1].pose_window: prompt tuning's virtual tokens"),
            std::string::npos);
  EXPECT_NE(error_with([&](auto& d) { fixed(d); d["evaluation"]["long_context"]["position_loss_length"] = 65; })
                .find("evaluation.long_context.position_loss_length: exceeds the model's max_position_embeddings (64)"),
            std::string::npos);
  EXPECT_NE(error_with([&](auto& d) {
              fixed(d);
              d["evaluation"]["long_context"].erase("position_loss_length");
            }).find("position_loss_length: missing"),
            std::string::npos);
}

}  // namespace
}  // namespace tb
