#include "evaluators/long_context.h"

#include <gtest/gtest.h>

#include <map>

#include "harness/common/check.h"
#include "tests/evaluators/base_cache_check.h"
#include "tests/evaluators/fake_responders.h"

namespace tb {
namespace {

nlohmann::json options(nlohmann::json overrides = nlohmann::json::object()) {
  nlohmann::json o = validate_object(overrides, long_context_schema(),
                                     JsonLocation("spec.json", "evaluation.long_context"));
  return o;
}

std::map<std::string, EvalAggregate> by_name(const EvalOutput& out) {
  std::map<std::string, EvalAggregate> by;
  for (const auto& a : out.aggregates) by[a.model + "/" + a.metric] = a;
  return by;
}

const nlohmann::json kAllTasks = {"passkey",         "niah_single",     "niah_multikey",
                                  "niah_multivalue", "niah_multiquery", "variable_tracking",
                                  "kv_retrieval"};

TEST(LongContext, AnOracleScoresEveryCellPerfectlyAndAConstantAnswerScoresNothing) {
  const auto o = LongContextOptions::from_json(options({{"tasks", kAllTasks},
                                                        {"lengths", {300, 400}},
                                                        {"depths", {0.0, 0.5, 1.0}},
                                                        {"items_per_cell", 4}}));
  testing::OracleResponder oracle;
  testing::ConstantResponder constant("1234567");
  const EvalOutput out = LongContext(o).evaluate(constant, oracle, byte_tokenizer());
  auto by = by_name(out);
  EXPECT_EQ(out.items.size(), 2u * 7 * 2 * 3 * 4);
  for (const auto& task : kAllTasks) {
    const std::string t = task.get<std::string>();
    EXPECT_EQ(by.at("tuned/" + t + "_accuracy").value, 1.0) << t;
    EXPECT_EQ(by.at("tuned/" + t + "_accuracy").n, 2 * 3 * 4);
    EXPECT_EQ(by.at("base/" + t + "_accuracy").value, 0.0) << t;
    EXPECT_EQ(by.at("delta/" + t + "_accuracy").value, 1.0);
    EXPECT_EQ(by.at("tuned/" + t + "_accuracy@length=400,depth=0.5").value, 1.0);
    EXPECT_EQ(by.at("tuned/" + t + "_accuracy@length=400,depth=0.5").n, 4);
    EXPECT_EQ(by.at("tuned/" + t + "_accuracy@length=300").n, 12);
    EXPECT_EQ(by.at("tuned/" + t + "_effective_length").value, 400.0);
    EXPECT_EQ(by.at("base/" + t + "_effective_length").value, 0.0)
        << "nothing at the shortest length";
    // Wilson interval at 0/12: [0, 0.2425].
    EXPECT_NEAR(*by.at("base/" + t + "_accuracy@length=300").ci_high, 0.24249, 1e-4);
  }
}

TEST(LongContext, ItemsAreFixedBySeedAndGrowingTheGridKeepsThem) {
  auto small =
      LongContextOptions::from_json(options({{"lengths", {128, 160}}, {"items_per_cell", 3}}));
  auto large =
      LongContextOptions::from_json(options({{"lengths", {128, 160, 224}}, {"items_per_cell", 3}}));
  std::map<std::string, std::string> prompts;
  for (const auto& item : long_context_items(large, byte_tokenizer())) prompts[item.id] = item.query.prompt;
  const auto items = long_context_items(small, byte_tokenizer());
  ASSERT_EQ(items.size(), 4u * 2 * 5 * 3);
  for (const auto& item : items) {
    EXPECT_EQ(prompts.at(item.id), item.query.prompt) << item.id;
    EXPECT_EQ(int64_t(item.query.prompt.size()) + 1, item.meta.at("length").get<int64_t>());
  }
  small.seed = 1;
  EXPECT_NE(long_context_items(small, byte_tokenizer())[0].query.prompt, items[0].query.prompt);
}

TEST(LongContext, EffectiveLengthIsTheLastLengthBeforeTheScoreFallsBelowTheFraction) {
  const std::vector<int64_t> lengths = {128, 256, 512, 1024};
  EXPECT_EQ(effective_length(lengths, {1.0, 0.9, 0.85, 0.2}, 0.85), 512);
  EXPECT_EQ(effective_length(lengths, {1.0, 0.84, 0.95, 0.95}, 0.85), 128) << "must stay above";
  EXPECT_EQ(effective_length(lengths, {0.5, 0.5, 0.5, 0.5}, 0.85), 1024);
  EXPECT_EQ(effective_length(lengths, {0.0, 0.5, 0.5, 0.5}, 0.85), 0);
}

TEST(LongContext, OptionsThatCannotRunAreRejectedWithTheirPath) {
  LlamaConfig model;
  model.max_position_embeddings = 256;
  const JsonLocation at("spec.json", "evaluation.long_context");
  auto message = [&](nlohmann::json overrides) -> std::string {
    try {
      check_long_context(validate_object(overrides, long_context_schema(), at), model, byte_tokenizer(), at);
    } catch (const UserError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(message({}), "") << "the defaults fit the default model";
  EXPECT_NE(message({{"lengths", {128, 256}}})
                .find("evaluation.long_context.lengths[1]: 256 tokens plus the"),
            std::string::npos);
  EXPECT_NE(message({{"lengths", {64}}}).find("lengths[0]: 64 tokens is too short for niah_single"),
            std::string::npos);
  EXPECT_NE(message({{"items_per_cell", 0}}).find("items_per_cell: expected an integer >= 1"),
            std::string::npos)
      << message({{"items_per_cell", 0}});
  EXPECT_NE(message({{"tasks", {"passkey", "ruler"}}}).find("tasks[1]: unknown value \"ruler\""),
            std::string::npos);
  EXPECT_NE(message({{"depths", {0.5, 1.5}}}).find("depths[1]"), std::string::npos);
}

TEST(LongContext, TheBaseModelCacheGivesExactlyTheUncachedResults) {
  LlamaConfig config = testing::tiny_config();
  config.max_position_embeddings = 96;
  torch::manual_seed(6);
  LlamaForCausalLM base(config), tuned(config), other_base(config);
  const auto o = LongContextOptions::from_json(options({{"tasks", {"passkey", "niah_single"}},
                                                        {"lengths", {72, 80}},
                                                        {"depths", {0.0, 1.0}},
                                                        {"items_per_cell", 2}}));
  PretrainOptions pre;
  const testing::Evaluate evaluate = [&](EvalContext& ctx) { return LongContext(o).evaluate(ctx); };
  testing::expect_base_cache_exact(evaluate, {base, tuned, nullptr, &pre, 0}, other_base);
  // Another item seed, or another batch size (batching may round differently), misses.
  LongContextOptions reseeded = o, rebatched = o;
  reseeded.seed = 1;
  rebatched.batch_size = 3;
  for (const LongContextOptions& other : {reseeded, rebatched}) {
    testing::expect_base_cache_miss(
        evaluate, [&](EvalContext& ctx) { return LongContext(other).evaluate(ctx); },
        {base, tuned, nullptr, &pre, 0}, other_base);
  }
}

}  // namespace
}  // namespace tb
