// Post-hoc entries in a spec: "of" names trained entries; the grid gives LiNeS one cell
// per parent run and soups one cell per seed over the named entries' variants, each with
// its parents' keys in its config (and so in its own key).
#include <gtest/gtest.h>

#include <set>

#include "harness/common/check.h"
#include "harness/spec/grid.h"
#include "tests/test_util.h"

namespace tb {
namespace {

nlohmann::json spec_with(const nlohmann::json& methods) {
  auto doc = testing::small_spec();
  doc["methods"] = methods;
  return doc;
}

std::string error_of(const nlohmann::json& doc) { return testing::spec_error(doc); }

const nlohmann::json kFullFtGrid = {{"method", "full_ft"}, {"id", "ft"}, {"lr", {1e-3, 2e-3, 4e-3}}};

TEST(PosthocGrid, LinesGetsOneCellPerParentRunAndSoupsOnePerSeed) {
  const auto runs = expand_grid(parse_spec(
      spec_with({kFullFtGrid,
                 {{"method", "lines"}, {"of", "ft"}, {"alpha", {0.0, 0.5}}},
                 {{"method", "soup"}, {"of", "ft"}, {"recipe", {"uniform", "greedy"}}},
                 {{"method", "lora"}, {"rank", 2}}}),
      "s.json"));
  // Trained first: 3 lrs x 2 seeds + lora x 2 seeds; then LiNeS 2 alphas x 6 parents; soups 2 x 2 seeds.
  ASSERT_EQ(runs.size(), 6u + 2u + 12u + 4u);
  std::map<std::string, const RunConfig*> by_key;
  for (const auto& r : runs) by_key[r.key] = &r;
  EXPECT_EQ(by_key.size(), runs.size());
  for (size_t i = 0; i < 8; ++i) EXPECT_TRUE(runs[i].parents.empty()) << runs[i].variant;
  for (size_t i = 8; i < 20; ++i) {
    const RunConfig& lines = runs[i];
    ASSERT_EQ(lines.parents.size(), 1u);
    const RunConfig& parent = *by_key.at(lines.parents[0]);
    EXPECT_EQ(parent.method, "full_ft");
    EXPECT_EQ(parent.seed, lines.seed) << "a LiNeS cell has its parent's seed";
    EXPECT_EQ(lines.config.at("parents"), nlohmann::json({parent.key}));
    EXPECT_FALSE(lines.config.contains("training")) << "post-hoc runs train nothing";
    EXPECT_NE(lines.variant.find("of (" + parent.variant + ")"), std::string::npos) << lines.variant;
  }
  EXPECT_EQ(runs[8].variant, "lines alpha=0 of (full_ft lr=1e-3)");  // only what differs
  for (size_t i = 20; i < 24; ++i) {
    const RunConfig& soup = runs[i];
    ASSERT_EQ(soup.parents.size(), 3u) << "one ingredient per learning rate";
    for (const auto& p : soup.parents) {
      EXPECT_EQ(by_key.at(p)->seed, soup.seed);
      EXPECT_EQ(by_key.at(p)->method, "full_ft");
    }
  }
  EXPECT_EQ(runs[20].variant, "soup recipe=uniform of ft");
}

TEST(PosthocGrid, ParentKeysArePartOfTheKey) {
  auto doc = spec_with({kFullFtGrid, {{"method", "lines"}, {"of", "ft"}, {"alpha", 0.5}}});
  const auto a = expand_grid(parse_spec(doc, "s.json"));
  doc["training"]["steps"] = 11;  // every parent changes, so must every child
  const auto b = expand_grid(parse_spec(doc, "s.json"));
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 6; i < a.size(); ++i) EXPECT_NE(a[i].key, b[i].key);
}

TEST(PosthocGrid, NewTrainingOptionsAtTheirDefaultsLeaveRunKeysAlone) {
  auto doc = spec_with({{{"method", "full_ft"}}});
  const auto plain = expand_grid(parse_spec(doc, "s.json"));
  EXPECT_FALSE(plain[0].config.at("training").contains("loss"));
  EXPECT_FALSE(plain[0].config.at("training").contains("masked_thought_rate"));
  doc["methods"][0]["loss"] = "ce";
  doc["methods"][0]["masked_thought_rate"] = 0.0;
  EXPECT_EQ(expand_grid(parse_spec(doc, "s.json"))[0].key, plain[0].key);
  doc["methods"][0]["loss"] = "dft";
  const auto dft = expand_grid(parse_spec(doc, "s.json"));
  EXPECT_NE(dft[0].key, plain[0].key);
  EXPECT_EQ(dft[0].config.at("training").at("loss"), "dft");
}

TEST(PosthocGrid, BadParentsAreNamedWithTheirPath) {
  EXPECT_EQ(error_of(spec_with({kFullFtGrid, {{"method", "lines"}}})),
            "spec.json: methods[1].of: missing required key (the id, or the method name, of the entry or "
            "entries whose runs lines combines)");
  EXPECT_EQ(error_of(spec_with({kFullFtGrid, {{"method", "lines"}, {"of", "lora"}}})),
            "spec.json: methods[1].of: no method entry has the id or method \"lora\"");
  EXPECT_NE(error_of(spec_with({{{"method", "lora"}}, {{"method", "lora"}, {"rank", 2}},
                                {{"method", "lines"}, {"of", "lora"}}}))
                .find("several method entries are \"lora\""),
            std::string::npos);
  EXPECT_NE(error_of(spec_with({kFullFtGrid, {{"method", "soup"}, {"of", "ft"}, {"id", "s"}},
                                {{"method", "lines"}, {"of", "s"}}}))
                .find("methods[2].of: \"s\" is a post-hoc entry"),
            std::string::npos);
  EXPECT_NE(error_of(spec_with({{{"method", "prompt_tuning"}}, {{"method", "lines"}, {"of", "prompt_tuning"}}}))
                .find("leaves parameters the base model does not have"),
            std::string::npos);
  EXPECT_NE(error_of(spec_with({{{"method", "ssf"}}, {{"method", "lines"}, {"of", "ssf"}}}))
                .find("methods[1].of: \"ssf\" (ssf) leaves parameters the base model does not have"),
            std::string::npos);
  EXPECT_NE(error_of(spec_with({{{"method", "full_ft"}}, {{"method", "soup"}, {"of", "full_ft"}}}))
                .find("methods[1].of: soup combines the runs of one seed, and these entries have 1 per seed; it "
                      "needs at least 2"),
            std::string::npos);
  EXPECT_NE(error_of(spec_with({kFullFtGrid, {{"method", "lines"}, {"of", "ft"}, {"lr", 0.1}}}))
                .find("methods[1].lr: unknown key"),
            std::string::npos)
      << "a post-hoc entry takes no training options";
  // Three-letter words: 26^3 = 17,576 in all, too few for 100,000 more items.
  auto three_letters = spec_with({kFullFtGrid, {{"method", "soup"}, {"of", "ft"}, {"recipe", {"uniform", "greedy"}},
                                                {"validation_items", 100000}}});
  three_letters["task"]["max_len"] = 3;
  EXPECT_NE(error_of(three_letters).find("methods[1].validation_items: the task has too few distinct items"),
            std::string::npos)
      << error_of(three_letters);
  EXPECT_EQ(error_of(spec_with({kFullFtGrid, {{"method", "soup"}, {"of", "ft"}, {"validation_items", 100000}}})), "")
      << "a uniform soup needs no validation items";
  EXPECT_NE(error_of(spec_with({{{"method", "full_ft"}, {"of", "x"}}})).find("methods[0].of: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of(spec_with({kFullFtGrid, {{"method", "lora"}, {"id", "ft"}}}))
                .find("methods[1].id: \"ft\" is already the id of methods[0]"),
            std::string::npos);
  // Two entries named together give the soup both entries' runs of each seed, each once
  // (the same cell listed by both entries is one ingredient).
  const auto shared = expand_grid(parse_spec(
      spec_with({{{"method", "full_ft"}, {"id", "a"}, {"lr", {1e-3, 2e-3}}}, {{"method", "full_ft"}, {"id", "b"}, {"lr", 1e-3}},
                 {{"method", "soup"}, {"of", {"a", "b"}}}}),
      "s.json"));
  ASSERT_EQ(shared.size(), 2u * 3u + 2u);
  EXPECT_EQ(shared[6].parents.size(), 2u);
  // Two entries named together give the soup both entries' runs of each seed.
  const auto runs = expand_grid(parse_spec(
      spec_with({{{"method", "full_ft"}}, {{"method", "lora"}, {"rank", 2}},
                 {{"method", "task_arithmetic"}, {"of", {"full_ft", "lora"}}, {"lambda", 0.5}}}),
      "s.json"));
  ASSERT_EQ(runs.size(), 6u);
  EXPECT_EQ(runs[4].parents.size(), 2u);
  EXPECT_EQ(runs[4].variant, "task_arithmetic of full_ft + lora");  // one variant: no settings
}

}  // namespace
}  // namespace tb
