// GRPO, DPO and RFT on the tiny model, with the task's verifier replaced by one a small model
// can learn (reward 1 when the output starts with an even byte; tests/methods/
// method_test_util.h): GRPO raises the reward; a group whose rewards are all equal gives no
// policy gradient; the reference model's weights are bit-identical after training; RFT
// trains only on the samples its verifier accepts; DPO's rejected completions are samples
// the verifier rejects; RFT's accepted share rises from round to round. (Frozen parameters, merging, seeds and checkpoint resume are in
// method_contract_test.cpp.)
#include <gtest/gtest.h>

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/data/addition_task.h"
#include "harness/data/jsonl_dataset.h"
#include "harness/data/reverse_task.h"
#include "harness/model/model_io.h"
#include "harness/spec/spec.h"
#include "harness/text/byte_tokenizer.h"
#include "harness/train/completion_scoring.h"
#include "harness/train/verifier.h"
#include "methods/dpo.h"
#include "methods/grpo.h"
#include "methods/registry.h"
#include "methods/rft.h"
#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

nlohmann::json hyperparameters(const std::string& method, nlohmann::json given) {
  for (const auto& f : find_method(method)->hyperparameters) {
    if (!given.contains(f.name) && !f.omit_when_absent) given[f.name] = f.default_value;
  }
  return given;
}

const TaskData& task_data() {
  static const TaskData data = make_task_data(ReverseTask(2, 3), 200, 10, 0);
  return data;
}

// A JSON Lines file in the "text" format: no answers, so no verifier.
std::string text_lines() {
  std::string lines;
  for (int i = 0; i < 40; ++i) lines += "{\"text\": \"some words " + std::to_string(i) + "\"}\n";
  return lines;
}

TrainingOptions options(int64_t steps, double lr) {
  TrainingOptions o;
  o.steps = steps;
  o.lr = lr;
  o.warmup_steps = 2;
  o.log_every = 1;
  return o;
}

TEST(Grpo, RaisesTheRewardAndLeavesTheReferenceBitIdentical) {
  torch::manual_seed(0);
  LlamaForCausalLM model = testing::pretrained_tiny_model();
  Grpo grpo(hyperparameters("grpo", {{"group_size", 8}, {"max_new_tokens", 2}, {"beta", 0.04}}));
  MethodContext context = testing::method_context(40, {}, task_data(), model);
  context.batch_size = 8;
  const TensorMap reference_before = [&] {
    TensorMap s;
    for (const auto& [k, v] : model_state(*context.reference)) s[k] = v.clone();
    return s;
  }();
  const auto params = grpo.prepare(model, context);
  std::vector<double> rewards;
  double kl = 0;
  train(model, params, options(40, 3e-3), {}, &grpo, [&](int64_t, const std::string& name, double v) {
    if (name == "reward_mean") rewards.push_back(v);
    if (name == "kl") kl = v;
  });
  ASSERT_EQ(rewards.size(), 40u);
  double first = 0, last = 0;
  for (size_t i = 0; i < 5; ++i) {
    first += rewards[i] / 5;
    last += rewards[rewards.size() - 1 - i] / 5;
  }
  EXPECT_GT(last, first + 0.2) << first << " -> " << last;
  EXPECT_GT(kl, 0.0) << "the policy moved away from the reference";
  for (const auto& [k, v] : model_state(*context.reference)) EXPECT_TRUE(torch::equal(v, reference_before.at(k))) << k;
}

TEST(Grpo, AGroupWithEqualRewardsGivesNoPolicyGradient) {
  torch::manual_seed(1);
  LlamaForCausalLM model(testing::tiny_config());
  Grpo grpo(hyperparameters("grpo", {{"group_size", 4}, {"max_new_tokens", 3}, {"beta", 0.0}}));
  MethodContext context = testing::method_context(1, {}, task_data(), model);
  context.verifier = [](const TaskItem&, const std::string&) { return 1.0; };
  const auto params = grpo.prepare(model, context);
  const MethodLoss l = grpo.own_loss(model, 0, [](int64_t, const std::string&, double) {});
  l.loss.backward();
  EXPECT_GT(l.tokens, 0);
  for (const auto& p : params) {
    ASSERT_TRUE(p.grad().defined());
    EXPECT_EQ(p.grad().abs().max().item<double>(), 0.0);
  }
}

TEST(Rft, TrainsOnlyOnTheSamplesItsVerifierAccepts) {
  torch::manual_seed(2);
  LlamaForCausalLM model(testing::tiny_config());
  Rft rft(hyperparameters("rft", {{"samples", 4}, {"max_new_tokens", 3}, {"prompts_per_round", 30}}));
  MethodContext context = testing::method_context(4, {}, task_data(), model);
  const auto params = rft.prepare(model, context);
  double kept_fraction = -1;
  rft.own_loss(model, 0, [&](int64_t, const std::string& name, double v) {
    if (name == "kept_fraction") kept_fraction = v;
  });
  ASSERT_FALSE(rft.kept_completions().empty());
  EXPECT_GT(kept_fraction, 0.0);
  EXPECT_LT(kept_fraction, 1.0) << "a random model's samples start with odd bytes too";
  EXPECT_NEAR(kept_fraction, double(rft.kept_completions().size()) / 120.0, 1e-12);
  for (const auto& completion : rft.kept_completions()) {
    EXPECT_EQ(completion[0] % 2, 0) << "a rejected sample was kept";
  }
  // A verifier that accepts nothing ends the run with a reason.
  Rft none(hyperparameters("rft", {{"max_new_tokens", 3}, {"prompts_per_round", 10}}));
  context.verifier = [](const TaskItem&, const std::string&) { return 0.0; };
  none.prepare(model, context);
  EXPECT_THROW(none.own_loss(model, 0, [](int64_t, const std::string&, double) {}), std::runtime_error);
}

// Training on its own accepted samples raises the share of samples the verifier accepts.
// (Its SFT loss is no progress measure: on samples of the model itself the expected gradient
// of the log-likelihood is zero; only the filter moves the model.)
TEST(Rft, RaisesTheShareOfAcceptedSamplesFromRoundToRound) {
  torch::manual_seed(4);
  LlamaForCausalLM model = testing::pretrained_tiny_model();
  Rft rft(hyperparameters("rft", {{"samples", 4}, {"max_new_tokens", 2}, {"prompts_per_round", 50}, {"rounds", 3}}));
  const auto params = rft.prepare(model, testing::method_context(60, {}, task_data(), model));
  std::vector<double> kept;
  train(model, params, options(60, 3e-3), {}, &rft, [&](int64_t, const std::string& name, double v) {
    if (name == "kept_fraction") kept.push_back(v);
  });
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_GT(kept[2], kept[0] + 0.2) << kept[0] << " -> " << kept[2];
}

TEST(Dpo, RejectedCompletionsAreSamplesTheVerifierRejects) {
  torch::manual_seed(3);
  LlamaForCausalLM model(testing::tiny_config());
  Dpo dpo(hyperparameters("dpo", {{"max_new_tokens", 3}, {"pair_items", 50}}));
  MethodContext context = testing::method_context(4, {}, task_data(), model);
  dpo.prepare(model, context);
  ASSERT_FALSE(dpo.pairs().empty());
  EXPECT_LE(dpo.pairs().size(), 50u);
  EXPECT_EQ(dpo.details().at("pairs"), dpo.pairs().size());
  for (const auto& pair : dpo.pairs()) {
    EXPECT_EQ(pair.rejected[0] % 2, 1) << "an accepted sample was used as rejected";
    EXPECT_EQ(pair.chosen.back(), byte_tokenizer().special().eos) << "chosen = the gold answer and EOS";
  }
  // At the start the policy is the reference: the loss is log 2.
  const MethodLoss l = dpo.own_loss(model, 0, [](int64_t, const std::string&, double) {});
  EXPECT_NEAR(l.loss.item<double>(), std::log(2.0), 1e-6);
}

TEST(Dpo, PairsFromAFileAreEncodedAsItemsAndBadLinesAreSpecErrors) {
  testing::ScratchDir dir("dpo-pairs");
  write_file_atomically(dir.path() / "text.jsonl", text_lines());
  write_file_atomically(dir.path() / "pairs.jsonl",
                        "{\"prompt\": \"2+2=\", \"chosen\": \"4\", \"rejected\": \"5\"}\n\n"
                        "{\"prompt\": \"1+1=\", \"chosen\": \"2\", \"rejected\": \"11\", \"note\": 1}\n");
  nlohmann::json doc = testing::small_spec();
  // A task without a verifier is fine: the pairs come from the file.
  doc["task"] = {{"name", "jsonl"}, {"train_file", "text.jsonl"}, {"format", "text"}};
  doc["methods"] = {{{"method", "dpo"}, {"pairs_file", "pairs.jsonl"}}};
  const Spec spec = parse_spec(doc, (dir.path() / "spec.json").string());
  Dpo dpo(spec.methods[0].values);
  LlamaForCausalLM model(testing::tiny_config());
  const TaskData data = make_task_data(ReverseTask(3, 3), 5, 1, 0);
  MethodContext context = testing::method_context(4, {}, data, model);
  context.verifier = nullptr;
  dpo.prepare(model, context);
  ASSERT_EQ(dpo.pairs().size(), 2u);
  const int64_t bos = *byte_tokenizer().special().bos, eos = byte_tokenizer().special().eos;
  EXPECT_EQ(dpo.pairs()[1].prompt, (std::vector<int64_t>{bos, '1', '+', '1', '='}));
  EXPECT_EQ(dpo.pairs()[1].chosen, (std::vector<int64_t>{'2', eos}));
  EXPECT_EQ(dpo.pairs()[1].rejected, (std::vector<int64_t>{'1', '1', eos}));

  write_file_atomically(dir.path() / "pairs.jsonl", "{\"prompt\": \"a\", \"chosen\": \"b\", \"rejected\": \"c\"}\n{\"prompt\": \"a\", \"chosen\": \"b\"}\n");
  try {
    parse_spec(doc, (dir.path() / "spec.json").string());
    ADD_FAILURE() << "a pair without a rejected completion was accepted";
  } catch (const UserError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("methods[0].pairs_file"), std::string::npos) << message;
    EXPECT_NE(message.find("pairs.jsonl:2: expected a non-empty string \"rejected\""), std::string::npos) << message;
  }
}

TEST(Verifier, ChecksTheTasksAnswersAndIsRefusedWhereThereAreNone) {
  const TaskData data = make_task_data(ReverseTask(3, 3), 5, 1, 0);
  const Verifier verify = make_verifier({{"name", "reverse"}}, data, byte_tokenizer());
  const TaskItem& item = data.train[0];
  EXPECT_EQ(verify(item, item.answer), 1.0);
  EXPECT_EQ(verify(item, item.answer + "x"), 0.0);
  const Verifier chain = make_verifier({{"name", "chain_arithmetic"}, {"format", "chain_of_thought"}}, data,
                                       byte_tokenizer());
  EXPECT_EQ(chain({"", "", "x=7;m=4;so 4", ""}, "x=1;m=2;so 4"), 1.0) << "the final value decides";
  EXPECT_EQ(chain({"", "", "x=7;m=4;so 4", ""}, "x=7;m=4;so 5"), 0.0);

  const TaskData sums = make_task_data(AdditionTask(2, 2, AdditionFormat::kReversed), 20, 5, 0);
  const Verifier addition = make_verifier({{"name", "addition"}, {"format", "reversed"}}, sums, byte_tokenizer());
  EXPECT_EQ(sums.train[0].prompt[0], 'r');
  EXPECT_EQ(addition(sums.train[0], sums.train[0].answer), 1.0);
  EXPECT_EQ(addition(sums.train[0], sums.train[0].answer + "0"), 0.0);

  // GSM8K items from GSM8K's own JSON Lines, rewarded by lm-eval's strict or flexible number.
  testing::ScratchDir gsm8k_dir("verifier-gsm8k");
  write_file_atomically(gsm8k_dir.path() / "gsm8k.jsonl",
                        "{\"question\": \"Ann has 3 pens and buys 4. How many?\", \"answer\": \"3+4=7\\n#### 7\"}\n");
  const auto gsm8k_items = read_jsonl_items(gsm8k_dir.path() / "gsm8k.jsonl", DataFormat::kGsm8k, nullptr);
  ASSERT_EQ(gsm8k_items.size(), 1u);
  EXPECT_EQ(gsm8k_items[0].prompt, "Question: Ann has 3 pens and buys 4. How many?\nAnswer:");
  EXPECT_EQ(gsm8k_items[0].answer, " 3+4=7\n#### 7");
  for (const auto& [rule, strict] : {std::pair<AnswerNormalizer, bool>{AnswerNormalizer::kGsm8k, true},
                                     {AnswerNormalizer::kGsm8kFlexible, false}}) {
    TaskData gsm8k;
    gsm8k.answer_match = rule;
    const Verifier check = make_verifier({{"name", "jsonl"}, {"format", "gsm8k"}}, gsm8k, byte_tokenizer());
    EXPECT_EQ(check(gsm8k_items[0], " 4+3 is 7.\n#### 7"), 1.0);
    EXPECT_EQ(check(gsm8k_items[0], " 7 is wrong, so\n#### 8"), 0.0);
    EXPECT_EQ(check(gsm8k_items[0], " 4+3 is 7"), strict ? 0.0 : 1.0) << "flexible reads the last number";
    EXPECT_EQ(check(gsm8k_items[0], " The answer is $7."), strict ? 0.0 : 1.0);
  }

  nlohmann::json doc = testing::small_spec();
  doc["methods"] = {{{"method", "grpo"}}};
  doc["task"] = {{"name", "chain_arithmetic"}, {"max_hops", 2}, {"train_items", 50}, {"eval_items", 10}};
  EXPECT_EQ(testing::spec_error(doc), "");
  doc["task"]["min_hops"] = 3;
  EXPECT_NE(testing::spec_error(doc).find("task.min_hops: must be <= max_hops (2)"), std::string::npos)
      << testing::spec_error(doc);

  testing::ScratchDir dir("verifier");
  write_file_atomically(dir.path() / "text.jsonl", text_lines());
  doc["task"] = {{"name", "jsonl"}, {"train_file", "text.jsonl"}, {"format", "text"}};
  try {
    parse_spec(doc, (dir.path() / "spec.json").string());
    ADD_FAILURE() << "GRPO on a task without answers was accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("methods[0].method: grpo needs a task whose answers can be checked"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace tb
