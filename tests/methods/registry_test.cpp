#include "methods/registry.h"

#include <gtest/gtest.h>

#include "methods/method.h"
#include "methods/posthoc.h"
#include "tests/test_util.h"

namespace tb {
namespace {

TEST(MethodRegistry, EveryMethodBuildsFromItsDefaults) {
  for (const auto& info : all_methods()) {
    nlohmann::json hp = nlohmann::json::object();
    for (const auto& f : info.hyperparameters) hp[f.name] = f.default_value;
    if (info.posthoc()) {
      EXPECT_EQ(info.make, nullptr) << info.name << " trains nothing";
      EXPECT_NE(info.make_posthoc(hp), nullptr) << info.name;
      EXPECT_GE(info.min_parents, 1) << info.name;
    } else {
      EXPECT_NE(info.make(hp), nullptr) << info.name;
    }
    EXPECT_EQ(find_method(info.name), &info);
  }
  EXPECT_EQ(find_method("nope"), nullptr);
}

}  // namespace
}  // namespace tb

namespace tb {
namespace {

std::string error_of(const std::string& method, const nlohmann::json& given) {
  const MethodInfo* info = find_method(method);
  nlohmann::json hp = given;
  for (const auto& f : info->hyperparameters) {
    if (!hp.contains(f.name)) hp[f.name] = f.default_value;
  }
  try {
    info->check(hp, testing::tiny_config(), JsonLocation("spec.json", "methods[0]"));
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(MethodRegistry, BadHyperparametersAreRefusedWithTheirPath) {
  EXPECT_NE(
      error_of("dora", {{"rank", 33}}).find("methods[0].rank: rank 33 exceeds min(out, in) = 32"),
      std::string::npos);
  EXPECT_NE(error_of("pissa", {{"target_modules", {"qproj"}}})
                .find("methods[0].target_modules: unknown target module \"qproj\""),
            std::string::npos);
  EXPECT_NE(error_of("lora", {{"target_modules", {"model\\.layers\\.9\\..*"}}})
                .find("matches no projection"),
            std::string::npos);
  EXPECT_NE(
      error_of("lora", {{"target_modules", {"(unclosed"}}}).find("nor a valid regular expression"),
      std::string::npos);
  EXPECT_NE(error_of("lift", {{"filter_rank", 17}, {"target_modules", {"k_proj"}}})
                .find("methods[0].filter_rank"),
            std::string::npos);
  EXPECT_NE(error_of("sparse", {{"accumulation_steps", 20}})
                .find("methods[0].accumulation_steps: must be below"),
            std::string::npos);
  EXPECT_NE(error_of("ia3", {{"feedforward_modules", {"up_proj"}}})
                .find("is not among the target_modules"),
            std::string::npos);
  EXPECT_NE(error_of("prompt_tuning", {{"num_virtual_tokens", 64}}).find("max_position_embeddings"),
            std::string::npos);
  EXPECT_EQ(error_of("lora", {{"rank", 16}, {"target_modules", {"k_proj"}}}), "")
      << "rank 16 fits 16 x 32";
}

TEST(MethodRegistry, DensityOutsideZeroOneIsRefusedBySchema) {
  const MethodInfo* info = find_method("sparse");
  for (double bad : {0.0, 1.5, -0.1}) {
    nlohmann::json entry = {{"density", bad}};
    EXPECT_THROW(
        validate_object(entry, info->hyperparameters, JsonLocation("spec.json", "methods[0]")),
        std::exception)
        << bad;
  }
  EXPECT_NO_THROW(validate_object(nlohmann::json{{"density", 1.0}}, info->hyperparameters,
                                  JsonLocation("spec.json")));
}

TEST(MethodRegistry, SparseBudgetBeyondTheTargetMatricesIsRefused) {
  // int(0.9 * 32096) entries cannot fit in the 15,360 entries of the tiny model's projections.
  EXPECT_NE(error_of("sparse", {{"density", 0.9}})
                .find("methods[0].density: int(density x all 32096 model parameters) = 28886"),
            std::string::npos);
  EXPECT_EQ(error_of("sparse", {{"density", 0.9}, {"density_rule", "per_matrix"}}), "");
}

std::string schema_error(const std::string& method, const nlohmann::json& entry) {
  try {
    validate_object(entry, find_method(method)->hyperparameters,
                    JsonLocation("spec.json", "methods[0]"));
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(MethodRegistry, UnknownDensityRuleIsRefusedBySchema) {
  EXPECT_NE(schema_error("sparse", {{"density_rule", "global"}})
                .find("methods[0].density_rule: unknown value \"global\"; expected one of: model, "
                      "per_matrix"),
            std::string::npos);
  EXPECT_EQ(schema_error("sparse", {{"density_rule", "per_matrix"}}), "");
}

}  // namespace
}  // namespace tb
