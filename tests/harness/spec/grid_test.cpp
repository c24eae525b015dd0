#include "harness/spec/grid.h"

#include <gtest/gtest.h>

#include <set>

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
  EXPECT_EQ(runs[2].variant, "lora alpha=8.0 lr=0.001 rank=2");
  EXPECT_EQ(runs[2].config.at("method").at("rank").get<int64_t>(), 2);
  EXPECT_EQ(runs[2].config.at("training").at("lr").get<double>(), 1e-3);
  EXPECT_EQ(runs[2].config.at("training").at("steps").get<int64_t>(), 10) << "spec-level training kept";
  EXPECT_FALSE(runs[2].config.at("method").contains("lr")) << "training options leave the method section";
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
