#include "harness/exec/training_budget.h"

#include <gtest/gtest.h>

#include "harness/model/llama_config.h"
#include "harness/spec/grid.h"
#include "tests/test_util.h"

namespace tb {
namespace {

// The first run's config of the small spec with `methods`.
nlohmann::json config_with(const std::string& methods) {
  nlohmann::json doc = testing::small_spec();
  doc["methods"] = nlohmann::json::parse(methods);
  return expand_grid(parse_spec(doc, "s.json")).at(0).config;
}

TEST(TrainingBudget, CountsWhatEachMethodTrainsByHand) {
  testing::ScratchDir dir("training-budget");
  const auto models = dir.path() / "models";
  // hidden 32, 4 heads of 8, 2 KV heads: q_proj 32 -> 32, v_proj 32 -> 16; 2 layers.
  const TrainingBudget lora = training_budget(
      config_with(R"([{"method": "lora", "rank": 2, "target_modules": ["q_proj", "v_proj"]}])"),
      models);
  EXPECT_EQ(lora.trainable_params, 2 * (2 * (32 + 32) + 2 * (32 + 16)));
  EXPECT_EQ(lora.optimizer_state_bytes, 2 * 4 * lora.trainable_params);  // AdamW: m and v, fp32
  EXPECT_FALSE(lora.base_model_pretrained);
  EXPECT_FALSE(std::filesystem::exists(models)) << "nothing written";

  const nlohmann::json full = config_with(R"([{"method": "full_ft"}])");
  const int64_t all = parameter_count(LlamaConfig::from_json(full.at("base_model").at("architecture")));
  EXPECT_EQ(training_budget(full, models).trainable_params, all);
  const TrainingBudget mezo = training_budget(config_with(R"([{"method": "mezo"}])"), models);
  EXPECT_EQ(mezo.trainable_params, all);
  EXPECT_EQ(mezo.optimizer_state_bytes, 0) << "MeZO keeps no optimiser state";
}

}  // namespace
}  // namespace tb
