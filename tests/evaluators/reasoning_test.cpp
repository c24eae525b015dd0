#include "evaluators/reasoning.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "harness/common/check.h"
#include "tests/evaluators/base_cache_check.h"
#include "tests/evaluators/fake_responders.h"
#include "tests/test_util.h"

namespace tb {
namespace {

nlohmann::json options(nlohmann::json overrides = nlohmann::json::object()) {
  return validate_object(overrides, reasoning_schema(),
                         JsonLocation("spec.json", "evaluation.reasoning"));
}

std::map<std::string, EvalAggregate> by_name(const EvalOutput& out) {
  std::map<std::string, EvalAggregate> by;
  for (const auto& a : out.aggregates) by[a.model + "/" + a.metric] = a;
  return by;
}

TEST(Reasoning, AnOracleScoresEverythingAndAConstantDigitScoresAtChance) {
  const auto o = ReasoningOptions::from_json(options({{"items", 300}}));
  testing::OracleResponder oracle;
  testing::ConstantResponder constant("3");
  const EvalOutput out = Reasoning(o).evaluate(constant, oracle);
  auto by = by_name(out);
  for (const char* task : {"chain_direct", "chain_cot", "addition_plain", "addition_reversed"}) {
    EXPECT_EQ(by.at(std::string("tuned/") + task + "_accuracy").value, 1.0) << task;
  }
  EXPECT_EQ(by.at("tuned/chain_direct_accuracy").n, 4 * 300);
  EXPECT_EQ(by.at("tuned/chain_direct_extrapolation_accuracy").n, 300) << "hops 8 > trained 4";
  EXPECT_EQ(by.at("tuned/chain_direct_accuracy@hops=8").n, 300);
  EXPECT_EQ(by.at("tuned/addition_reversed_accuracy@digits=3").n, 300);
  // Values are uniform mod 10: a constant digit is right 1 time in 10.
  const auto& chance = by.at("base/chain_direct_accuracy");
  EXPECT_LT(*chance.ci_low, 0.1);
  EXPECT_GT(*chance.ci_high, 0.1);
  EXPECT_EQ(by.at("base/chain_cot_accuracy").value, 0.0) << "\"3\" has no \"so \"";
  EXPECT_EQ(by.at("base/addition_plain_accuracy").value, 0.0);
  EXPECT_EQ(by.at("tuned/chain_cot_gain").value, 0.0);
  EXPECT_NEAR(by.at("base/chain_cot_gain").value, -chance.value, 1e-12) << "paired per problem";
}

TEST(Reasoning, Gsm8kFromAFileIsScoredStrictAndFlexible) {
  testing::ScratchDir dir("gsm8k");
  const auto file = dir.path() / "gsm.jsonl";
  std::ofstream(file)
      << R"({"question": "Tom has 3 apples and buys 4. How many?", "answer": "3+4=7\n#### 7"})"
      << "\n"
      << R"({"question": "What is 1000 + 234?", "answer": "#### 1,234"})"
      << "\n";
  const auto o =
      ReasoningOptions::from_json(options({{"tasks", {"gsm8k"}}, {"gsm8k_file", file.string()}}));
  ASSERT_EQ(o.gsm8k_items.size(), 2u);
  testing::OracleResponder oracle;  // answers " <full gold answer>"
  testing::ConstantResponder loose("The total is 7 apples.\nQuestion: next");
  const EvalOutput out = Reasoning(o).evaluate(loose, oracle);
  auto by = by_name(out);
  EXPECT_EQ(by.at("tuned/gsm8k_strict_accuracy").value, 1.0);
  EXPECT_EQ(by.at("tuned/gsm8k_flexible_accuracy").value, 1.0);
  EXPECT_EQ(by.at("base/gsm8k_strict_accuracy").value, 0.0) << "no \"#### \"";
  EXPECT_EQ(by.at("base/gsm8k_flexible_accuracy").value, 0.5)
      << "the last number, 7, is right once";
  EXPECT_EQ(out.items.size(), 8u);
}

TEST(Reasoning, OptionsThatCannotRunAreRejectedWithTheirPath) {
  LlamaConfig model;
  model.max_position_embeddings = 64;
  const JsonLocation at("spec.json", "evaluation.reasoning");
  auto message = [&](nlohmann::json overrides) -> std::string {
    try {
      check_reasoning(validate_object(overrides, reasoning_schema(), at), model, byte_tokenizer(), at);
    } catch (const UserError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(message({{"chain_hops", {1, 2, 4}}}), "");
  EXPECT_NE(message({}).find("evaluation.reasoning.chain_hops[3]: a chain of 8 hops does not fit"),
            std::string::npos)
      << message({});
  EXPECT_NE(message({{"tasks", {"gsm8k"}}}).find("gsm8k_file: the gsm8k task needs"),
            std::string::npos);
  EXPECT_NE(message({{"tasks", {"gsm8k"}}, {"gsm8k_file", "/nonexistent/gsm.jsonl"}})
                .find("/nonexistent/gsm.jsonl"),
            std::string::npos);
  EXPECT_NE(message({{"tasks", nlohmann::json::array()}}).find("tasks: expected at least one"),
            std::string::npos);
  EXPECT_NE(message({{"items", 0}}).find("items: expected an integer >= 1"), std::string::npos);
}

TEST(Reasoning, TheBaseModelCacheGivesExactlyTheUncachedResults) {
  torch::manual_seed(7);
  LlamaForCausalLM base(testing::tiny_config()), tuned(testing::tiny_config());
  LlamaForCausalLM other_base(testing::tiny_config());
  testing::ScratchDir dir("gsm8k-cache");
  const auto file = dir.path() / "gsm.jsonl";
  std::ofstream(file) << R"({"question": "What is 1000 + 234?", "answer": "#### 1,234"})"
                      << "\n";
  const auto o = ReasoningOptions::from_json(options({{"tasks", {"chain", "addition", "gsm8k"}},
                                                      {"chain_hops", {1, 2}},
                                                      {"addition_digits", {2}},
                                                      {"items", 3},
                                                      {"gsm8k_file", file.string()},
                                                      {"gsm8k_max_new_tokens", 8}}));
  PretrainOptions pre;
  const testing::Evaluate evaluate = [&](EvalContext& ctx) { return Reasoning(o).evaluate(ctx); };
  testing::expect_base_cache_exact(evaluate, {base, tuned, nullptr, &pre, 0}, other_base);
  // Another item seed draws other chain and addition items (GSM8K's come from its file).
  ReasoningOptions reseeded = o;
  reseeded.seed = 1;
  reseeded.gsm8k = false;
  testing::expect_base_cache_miss(
      evaluate, [&](EvalContext& ctx) { return Reasoning(reseeded).evaluate(ctx); },
      {base, tuned, nullptr, &pre, 0}, other_base);
}

}  // namespace
}  // namespace tb
