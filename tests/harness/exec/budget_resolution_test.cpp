#include "harness/exec/budget_resolution.h"

#include <gtest/gtest.h>

#include <cmath>

#include "harness/spec/grid.h"
#include "tests/test_util.h"

namespace tb {
namespace {

Spec spec_with(const std::string& methods) {
  nlohmann::json doc = testing::small_spec();
  doc["methods"] = nlohmann::json::parse(methods);
  return parse_spec(doc, "s.json");
}

// Hand counts on the small model (hidden 32, 4 heads of 8, 2 KV heads, 2 layers): LoRA on
// q_proj (32 -> 32) and v_proj (32 -> 16) trains r (64 + 48) per layer, 224 r in all.
TEST(BudgetResolution, HitsTheNearestRankOnHandComputedCounts) {
  testing::ScratchDir dir("budget");
  Spec spec = spec_with(R"([
    {"method": "lora", "target_modules": ["q_proj", "v_proj"], "trainable_params": 1000},
    {"method": "dora", "target_modules": ["q_proj", "v_proj"], "trainable_params": 1000},
    {"method": "full_ft"}])");
  const auto resolved = resolve_budgets(spec, dir.path() / "models");
  ASSERT_EQ(resolved.size(), 2u);
  // 1000 / 224 = 4.46: rank 4 (896) is nearer than rank 5 (1120).
  EXPECT_EQ(resolved[0].value, 4);
  EXPECT_EQ(resolved[0].trainable_params, 896);
  EXPECT_EQ(spec.methods[0].values.at("rank"), 4);
  // DoRA adds a magnitude per output row: 224 r + 2 (32 + 16); rank 4 gives 992.
  EXPECT_EQ(resolved[1].value, 4);
  EXPECT_EQ(resolved[1].trainable_params, 992);
  EXPECT_NE(budget_text(resolved[0]).find("trainable_params 1000 -> rank=4 (896 trainable)"),
            std::string::npos);
  // The budget is on record in the run config and the label names the resolved rank.
  const auto runs = expand_grid(spec);
  EXPECT_EQ(runs[0].config.at("method").at("trainable_params"), 1000);
  EXPECT_EQ(runs[0].config.at("method").at("rank"), 4);
}

TEST(BudgetResolution, HitsADensityWithinRoundingOfTheBudget) {
  testing::ScratchDir dir("budget");
  Spec spec = spec_with(R"([{"method": "sparse", "trainable_params": 5000}])");
  const auto resolved = resolve_budgets(spec, dir.path() / "models");
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_GT(resolved[0].value, 0);
  EXPECT_LT(resolved[0].value, 1);
  EXPECT_LE(std::llabs(resolved[0].trainable_params - 5000), 50) << resolved[0].trainable_params;
}

TEST(BudgetResolution, MethodsWithoutAKnobAndDoubleSizesAreRefusedAtValidation) {
  nlohmann::json doc = testing::small_spec();
  doc["methods"] = nlohmann::json::parse(R"([{"method": "ia3", "trainable_params": 1000}])");
  EXPECT_NE(
      testing::spec_error(doc).find("methods[0].trainable_params: ia3 has no rank or density"),
      std::string::npos)
      << testing::spec_error(doc);
  doc["methods"] =
      nlohmann::json::parse(R"([{"method": "lora", "rank": 4, "trainable_params": 1000}])");
  EXPECT_NE(testing::spec_error(doc).find("give either rank or trainable_params"),
            std::string::npos);
  doc["methods"] =
      nlohmann::json::parse(R"([{"method": "lora", "trainable_params": [1000, 2000]}])");
  EXPECT_NE(testing::spec_error(doc).find("expected a whole number of parameters"),
            std::string::npos);
}

}  // namespace
}  // namespace tb
