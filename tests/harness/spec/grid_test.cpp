#include "harness/spec/grid.h"

#include <gtest/gtest.h>

#include <set>

#include "harness/common/check.h"
#include "harness/spec/variant_labels.h"
#include "tests/test_util.h"

namespace tb {
namespace {

TEST(Grid, CartesianProductTimesSeeds) {
  auto doc = testing::small_spec();
  doc["methods"][1]["lr"] = {1e-3, 3e-3, 1e-2};
  const auto runs = expand_grid(parse_spec(doc, "s.json"));
  // full_ft: 1 x 2 seeds; lora: 2 ranks x 3 lrs x 2 seeds.
  ASSERT_EQ(runs.size(), 2u + 12u);
  std::set<std::string> keys;
  for (const auto& r : runs) keys.insert(r.key);
  EXPECT_EQ(keys.size(), runs.size()) << "every cell has its own key";
  EXPECT_EQ(runs[0].variant, "full_ft");  // one full_ft variant: the method name says it all
  EXPECT_EQ(runs[2].variant, "lora lr=1e-3 rank=2");  // alpha is the same for every lora variant
  EXPECT_EQ(runs[2].config.at("method").at("rank").get<int64_t>(), 2);
  EXPECT_EQ(runs[2].config.at("training").at("lr").get<double>(), 1e-3);
  EXPECT_EQ(runs[2].config.at("training").at("steps").get<int64_t>(), 10) << "spec-level training kept";
  EXPECT_FALSE(runs[2].config.at("method").contains("lr")) << "training options leave the method section";
}

TEST(Grid, DefaultLabelsNameOnlyTheSettingsThatDifferWithinTheSweep) {
  auto doc = testing::small_spec();
  doc["methods"] = nlohmann::json::parse(R"([
    {"method": "lora", "rank": 2, "target_modules": ["q_proj", "v_proj"], "lr": 0.005},
    {"method": "lora", "rank": 2, "target_modules": ["q_proj", "v_proj"], "lr": 0.01},
    {"method": "lora", "rank": 8, "target_modules": ["q_proj", "v_proj"], "lr": 0.005},
    {"method": "full_ft", "lr": 0.0001}])");
  std::vector<std::string> labels;
  for (const auto& r : expand_grid(parse_spec(doc, "s.json"))) {
    if (r.seed == 0) labels.push_back(r.variant);
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"lora lr=5e-3 rank=2", "lora lr=0.01 rank=2", "lora lr=5e-3 rank=8",
                                              "full_ft"}));
}

TEST(Grid, AnEntrysLabelNamesItsVariantsAndClashesAreRefused) {
  auto doc = testing::small_spec();
  doc["methods"][1]["label"] = "small lora";
  doc["methods"][1]["lr"] = {1e-3, 2.5e-3};
  auto runs = expand_grid(parse_spec(doc, "s.json"));
  std::set<std::string> labels;
  for (const auto& r : runs) labels.insert(r.variant);
  EXPECT_EQ(labels, (std::set<std::string>{"full_ft", "small lora lr=1e-3 rank=2", "small lora lr=1e-3 rank=4",
                                           "small lora lr=2.5e-3 rank=2", "small lora lr=2.5e-3 rank=4"}));

  doc = testing::small_spec();
  doc["methods"][0]["label"] = "same";
  doc["methods"][1]["label"] = "same";
  doc["methods"][1]["rank"] = 2;
  try {
    expand_grid(parse_spec(doc, "s.json"));
    ADD_FAILURE() << "two variants labelled alike";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("s.json: methods[1]: its variant label \"same\""), std::string::npos)
        << e.what();
  }
  for (const nlohmann::json& bad : {nlohmann::json(""), nlohmann::json(3), nlohmann::json(" x"), nlohmann::json("a\tb")}) {
    doc = testing::small_spec();
    doc["methods"][1]["label"] = bad;
    EXPECT_NE(testing::spec_error(doc).find("methods[1].label: expected"), std::string::npos) << bad;
  }
}

TEST(Grid, SettingsReadShort) {
  EXPECT_EQ(setting_text(0.005), "5e-3");
  EXPECT_EQ(setting_text(0.05), "0.05");
  EXPECT_EQ(setting_text(2.5e-4), "2.5e-4");
  EXPECT_EQ(setting_text(0.1), "0.1");
  EXPECT_EQ(setting_text(16.0), "16");
  EXPECT_EQ(setting_text(8), "8");
  EXPECT_EQ(setting_text(1e-10), "1e-10");
  EXPECT_EQ(setting_text(nlohmann::json::parse(R"(["q_proj", "v_proj"])")), "q_proj,v_proj");
}

// A fix that changes what a method computes raises its revision, which enters the run
// config: a resumed sweep runs the cell again instead of reusing the earlier result.
TEST(Grid, AMethodsRevisionIsPartOfItsRunKeys) {
  auto doc = testing::small_spec();
  doc["methods"] = nlohmann::json::parse(R"([{"method": "eva", "rank": 2}, {"method": "lora", "rank": 2}])");
  const auto runs = expand_grid(parse_spec(doc, "s.json"));
  ASSERT_EQ(runs[0].method, "eva");
  EXPECT_EQ(runs[0].config.at("method").at("revision"), 1) << "EVA's PCA inputs as PEFT's";
  EXPECT_EQ(runs[0].key, run_key(runs[0].config));
  ASSERT_EQ(runs.back().method, "lora");
  EXPECT_FALSE(runs.back().config.at("method").contains("revision")) << "keys of revision 0 as before";
}

TEST(Grid, DuplicateCellsAreDroppedInOrder) {
  auto doc = testing::small_spec();
  doc["methods"][1]["rank"] = {2, 4, 2};  // rank 2 twice
  doc["methods"].push_back({{"method", "full_ft"}});
  auto runs = expand_grid(parse_spec(doc, "s.json"));
  ASSERT_EQ(runs.size(), 2u + 6u + 2u);
  const std::vector<RunConfig> all = runs;
  EXPECT_EQ(drop_duplicate_runs(runs), 4u);  // lora rank=2 and full_ft, 2 seeds each
  ASSERT_EQ(runs.size(), 6u);
  EXPECT_EQ(runs[0].key, all[0].key);
  EXPECT_EQ(runs[2].key, all[2].key);
  EXPECT_EQ(runs[4].key, all[4].key);  // lora rank=4 keeps its place after rank=2
  EXPECT_EQ(drop_duplicate_runs(runs), 0u);
}

TEST(Grid, KeysAreStable) {
  const nlohmann::json config = {{"method", {{"name", "lora"}, {"rank", 8}}}, {"seed", 0}};
  // A literal: run keys must never change across builds, or every stored sweep would rerun.
  EXPECT_EQ(run_key(config), "62ab012fa2eda374");
  EXPECT_EQ(run_key(nlohmann::json::parse(R"({"seed":0,"method":{"rank":8,"name":"lora"}})")), run_key(config))
      << "key order in the file does not matter";
}

TEST(Grid, AnyChangeChangesTheKey) {
  const auto runs = expand_grid(parse_spec(testing::small_spec(), "s.json"));
  const nlohmann::json base = runs[0].config;
  const std::string key = run_key(base);
  for (const auto& path : {"/seed", "/training/steps", "/training/lr", "/task/max_len",
                           "/base_model/pretraining/steps", "/base_model/architecture/hidden_size",
                           "/evaluation/forgetting/sequences"}) {
    nlohmann::json changed = base;
    const auto ptr = nlohmann::json::json_pointer(path);
    changed[ptr] = changed[ptr].is_number_float() ? nlohmann::json(changed[ptr].get<double>() * 2)
                                                  : nlohmann::json(changed[ptr].get<int64_t>() + 1);
    EXPECT_NE(run_key(changed), key) << path;
  }
  EXPECT_EQ(expand_grid(parse_spec(testing::small_spec(), "other name.json"))[0].key, key)
      << "the same cell has the same key whatever the file";
}

TEST(Grid, StringListSweepsNeedAListOfLists) {
  auto doc = testing::small_spec();
  doc["methods"][1]["rank"] = 2;
  doc["methods"][1]["target_modules"] = {{"q_proj"}, {"q_proj", "v_proj"}};
  const auto runs = expand_grid(parse_spec(doc, "s.json"));
  ASSERT_EQ(runs.size(), 2u + 4u);
  EXPECT_EQ(runs[2].config.at("method").at("target_modules"), nlohmann::json({"q_proj"}));
  EXPECT_EQ(runs[4].config.at("method").at("target_modules"), nlohmann::json({"q_proj", "v_proj"}));
}

}  // namespace
}  // namespace tb
