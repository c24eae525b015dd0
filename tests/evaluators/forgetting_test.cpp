#include "evaluators/forgetting.h"

#include <gtest/gtest.h>

#include <cmath>

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/data/heldout_text.h"
#include "harness/model/model_io.h"
#include "tests/evaluators/base_cache_check.h"
#include "tests/evaluators/fake_responders.h"
#include "tests/test_util.h"

namespace tb {
namespace {

std::map<std::string, EvalAggregate> aggregates(const EvalOutput& out) {
  std::map<std::string, EvalAggregate> by;
  for (const auto& a : out.aggregates) by[a.model + "/" + a.metric] = a;
  return by;
}

TEST(Forgetting, UniformModelHasLogVocabCrossEntropy) {
  torch::manual_seed(0);
  LlamaForCausalLM base(testing::tiny_config());
  LlamaForCausalLM tuned(testing::tiny_config());
  load_model_state(*tuned, model_state(*base));
  {
    torch::NoGradGuard no_grad;
    tuned->lm_head->weight.zero_();  // all logits 0: p = 1/259 everywhere
  }
  PretrainOptions pre;
  EvalContext ctx{base, tuned, nullptr, &pre, 0};
  const EvalOutput out = Forgetting({8, 16}).evaluate(ctx);
  auto by = aggregates(out);
  EXPECT_NEAR(by["tuned/held_out_ce"].value, std::log(259.0), 1e-5);
  EXPECT_NEAR(by["tuned/held_out_ce"].stderr_value.value(), 0.0, 1e-6);
  EXPECT_NEAR(by["delta/held_out_ce"].value,
              by["tuned/held_out_ce"].value - by["base/held_out_ce"].value, 1e-9);
  EXPECT_EQ(by["delta/held_out_ce"].n, 8);
  EXPECT_EQ(out.items.size(), 16u);
}

TEST(Forgetting, IdenticalModelsForgetNothingAndSequencesAreFixed) {
  torch::manual_seed(1);
  LlamaForCausalLM base(testing::tiny_config());
  LlamaForCausalLM tuned(testing::tiny_config());
  load_model_state(*tuned, model_state(*base));
  PretrainOptions pre;
  EvalContext ctx{base, tuned, nullptr, &pre, 0};
  const auto first = aggregates(Forgetting({6, 16}).evaluate(ctx));
  EXPECT_EQ(first.at("delta/held_out_ce").value, 0.0);
  EvalContext other_seed{base, tuned, nullptr, &pre, 99};
  EXPECT_EQ(aggregates(Forgetting({6, 16}).evaluate(other_seed)).at("base/held_out_ce").value,
            first.at("base/held_out_ce").value)
      << "the held-out text depends on the base model, not on the run's seed";
}

}  // namespace
}  // namespace tb

namespace tb {
namespace {

TEST(Forgetting, KlIsZeroForIdenticalModelsAndPositiveOtherwise) {
  torch::manual_seed(3);
  LlamaForCausalLM base(testing::tiny_config());
  LlamaForCausalLM tuned(testing::tiny_config());
  load_model_state(*tuned, model_state(*base));
  PretrainOptions pre;
  EvalContext same{base, tuned, nullptr, &pre, 0};
  const ForgettingOptions o{6, 16};
  EXPECT_NEAR(aggregates(Forgetting(o).evaluate(same)).at("tuned/kl_from_base").value, 0.0, 1e-7);
  {
    torch::NoGradGuard no_grad;
    tuned->lm_head->weight.zero_();  // uniform: KL(base || uniform) = log V - H(base)
  }
  EvalContext moved{base, tuned, nullptr, &pre, 0};
  const auto by = aggregates(Forgetting(o).evaluate(moved));
  EXPECT_GT(by.at("tuned/kl_from_base").value, 0.0);
  EXPECT_LE(by.at("tuned/kl_from_base").value, std::log(259.0));
  EXPECT_EQ(by.at("base/kl_from_base").value, 0.0);
}

TEST(Forgetting, ControlRetentionIsAccuracyAfterOverBefore) {
  ForgettingOptions o;
  o.control_tasks = {ControlTask::kCopy, ControlTask::kAddition, ControlTask::kReversedAddition,
                     ControlTask::kChain, ControlTask::kPasskey};
  o.control_items = 40;
  testing::OracleResponder oracle;
  EvalOutput out = Forgetting(o).control_retention(oracle, oracle, 0);
  auto by = aggregates(out);
  for (const char* task : {"copy", "addition", "reversed_addition", "chain", "passkey"}) {
    EXPECT_EQ(by.at(std::string("base/control_") + task + "_accuracy").value, 1.0) << task;
    EXPECT_EQ(by.at(std::string("tuned/control_") + task + "_retention").value, 1.0);
    EXPECT_EQ(*by.at(std::string("tuned/control_") + task + "_retention").ci_low, 1.0);
  }
  // A tuned model that forgot everything retains nothing; one that could do nothing before
  // has no retention at all.
  testing::ConstantResponder nothing("?");
  by = aggregates(Forgetting(o).control_retention(oracle, nothing, 0));
  EXPECT_EQ(by.at("tuned/control_retention").value, 0.0);
  EXPECT_EQ(by.at("tuned/control_retention").n, 5 * 40);
  EXPECT_EQ(by.at("delta/control_copy_accuracy").value, -1.0);
  by = aggregates(Forgetting(o).control_retention(nothing, oracle, 0));
  EXPECT_EQ(by.count("tuned/control_retention"), 0u);
}

// Held-out log-probabilities (for the cross-entropy and the KL) and control-task answers.
TEST(Forgetting, TheBaseModelCacheGivesExactlyTheUncachedResults) {
  torch::manual_seed(5);
  LlamaForCausalLM base(testing::tiny_config()), tuned(testing::tiny_config());
  LlamaForCausalLM other_base(testing::tiny_config());
  ForgettingOptions o{6, 16};
  o.control_tasks = {ControlTask::kCopy, ControlTask::kAddition};
  o.control_items = 4;
  PretrainOptions pre;
  testing::expect_base_cache_exact([&](EvalContext& ctx) { return Forgetting(o).evaluate(ctx); },
                                   {base, tuned, nullptr, &pre, 0}, other_base);
  // Another base model's pretraining seed draws other held-out text and control items;
  // longer sequences are other text, and more control items another list of queries.
  PretrainOptions other_pre;
  other_pre.seed = 7;
  ForgettingOptions longer = o;
  longer.seq_len = 24;
  longer.control_items = 5;
  for (const testing::Evaluate& second :
       {testing::Evaluate([&](EvalContext& ctx) {
          ctx.pretraining = &other_pre;
          return Forgetting(o).evaluate(ctx);
        }),
        testing::Evaluate([&](EvalContext& ctx) { return Forgetting(longer).evaluate(ctx); })}) {
    testing::expect_base_cache_miss([&](EvalContext& ctx) { return Forgetting(o).evaluate(ctx); },
                                    second, {base, tuned, nullptr, &pre, 0}, other_base);
  }
}

// A held-out file instead of the mixture: its documents, BOS text EOS, packed in file order
// into rows of seq_len + 1; too little text, or a bad line, is a spec error with its path.
TEST(Forgetting, HeldOutTextFromAFileIsPackedInOrder) {
  testing::ScratchDir dir("heldout");
  write_file_atomically(dir.path() / "held.jsonl", "{\"text\": \"abc\"}\n\n{\"text\": \"de\"}\n");
  const auto rows = heldout_text_rows(dir.path() / "held.jsonl", byte_tokenizer(), 2, 3);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<int64_t>{kBosToken, 'a', 'b', 'c'}));
  EXPECT_EQ(rows[1], (std::vector<int64_t>{kEosToken, kBosToken, 'd', 'e'}));
  write_file_atomically(dir.path() / "plain.txt", "hello world");
  EXPECT_EQ(heldout_text_rows(dir.path() / "plain.txt", byte_tokenizer(), 1, 12)[0].back(), kEosToken);

  nlohmann::json options = validate_object({{"sequences", 2}, {"seq_len", 16}, {"heldout_file", "held.jsonl"}},
                                           forgetting_schema(), JsonLocation((dir.path() / "spec.json").string(), "evaluation.forgetting"));
  try {
    check_forgetting(options, testing::tiny_config(), byte_tokenizer(),
                     JsonLocation("spec.json", "evaluation.forgetting"));
    ADD_FAILURE() << "9 tokens cannot make 2 rows of 17";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("evaluation.forgetting.heldout_file: "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("enough for 0 sequences"), std::string::npos) << e.what();
  }
  write_file_atomically(dir.path() / "bad.jsonl", "{\"txt\": 1}\n");
  EXPECT_THROW(heldout_text_rows(dir.path() / "bad.jsonl", byte_tokenizer(), 1, 2), UserError);
}

}  // namespace
}  // namespace tb
