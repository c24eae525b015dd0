#include "evaluators/task_accuracy.h"

#include <gtest/gtest.h>

#include "harness/data/reverse_task.h"
#include "harness/model/generate.h"
#include "harness/model/model_io.h"
#include "harness/text/byte_tokenizer.h"
#include "tests/evaluators/base_cache_check.h"
#include "tests/test_util.h"

namespace tb {
namespace {

TEST(TaskAccuracy, ItemsAggregatesAndPairingAreConsistent) {
  torch::manual_seed(0);
  LlamaForCausalLM base(testing::tiny_config());
  LlamaForCausalLM tuned(testing::tiny_config());
  load_model_state(*tuned, model_state(*base));
  ReverseTask task(2, 3);
  const TaskData data = make_task_data(task, 50, 12, 0);
  PretrainOptions pre;
  EvalContext ctx{base, tuned, &data, &pre, 0};
  const EvalOutput out = TaskAccuracy().evaluate(ctx);
  ASSERT_EQ(out.items.size(), 24u);
  double correct = 0;
  for (const auto& item : out.items) {
    const auto& gold = data.eval[(&item - out.items.data()) % 12];
    EXPECT_EQ(item.item_id, gold.id);
    EXPECT_EQ(item.score, item.meta.at("output").get<std::string>() == gold.answer ? 1.0 : 0.0);
    EXPECT_LT(*item.logprob, 0.0);
    if (item.model == "tuned") correct += item.score;
  }
  std::map<std::string, EvalAggregate> by;
  for (const auto& a : out.aggregates) by[a.model + "/" + a.metric] = a;
  EXPECT_DOUBLE_EQ(by["tuned/accuracy"].value, correct / 12);
  EXPECT_EQ(by["tuned/accuracy"].n, 12);
  EXPECT_LE(*by["tuned/accuracy"].ci_low, by["tuned/accuracy"].value);
  EXPECT_EQ(by["delta/accuracy"].value, 0.0) << "identical models: every paired difference is zero";
  EXPECT_EQ(by["base/answer_logprob"].value, by["tuned/answer_logprob"].value);
  // The item log-probability is the teacher-forced one of answer + EOS.
  std::vector<int64_t> prompt = {256};
  for (char c : data.eval[0].prompt) prompt.push_back(c);
  std::vector<int64_t> gold;
  for (char c : data.eval[0].answer) gold.push_back(c);
  gold.push_back(257);
  EXPECT_NEAR(*out.items[0].logprob, continuation_logprob(base, prompt, gold), 1e-9);
}

// A model rigged into a bigram table: the blocks add nothing (o_proj and down_proj are
// zero), token t embeds as a one-hot, and the head maps that one-hot to the next token.
// It answers "x=" with "ab" then EOS.
LlamaForCausalLM bigram_model() {
  LlamaForCausalLM model(testing::tiny_config());
  torch::NoGradGuard no_grad;
  for (auto& [name, proj] : model->projections()) {
    if (name.find("o_proj") != std::string::npos || name.find("down_proj") != std::string::npos)
      proj->weight.zero_();
  }
  auto embed = model->model->embed_tokens->weight;
  auto head = model->lm_head->weight;
  embed.zero_();
  head.zero_();
  embed.select(1, 3).fill_(1.0);  // every other token: slot 3, which predicts nothing in particular
  embed[int64_t('=')].zero_();
  embed[int64_t('=')][0] = 1;
  embed[int64_t('a')].zero_();
  embed[int64_t('a')][1] = 1;
  embed[int64_t('b')].zero_();
  embed[int64_t('b')][2] = 1;
  head[int64_t('a')][0] = 1;  // after '=' comes 'a'
  head[int64_t('b')][1] = 1;  // after 'a' comes 'b'
  head[kEosToken][2] = 1;     // after 'b' comes EOS
  head[int64_t('z')][3] = 1;  // after anything else comes 'z'
  return model;
}

TEST(TaskAccuracy, ExactMatchNeedsTheWholeAnswerAndTheStop) {
  LlamaForCausalLM base(testing::tiny_config());
  LlamaForCausalLM tuned = bigram_model();
  TaskData data;
  data.eval = {{"x=", "x=", "ab"},    // exactly what the model says, then EOS: correct
               {"x=", "x=", "a"},     // a prefix of the output: wrong
               {"x=", "x=", "abz"}};  // the model stops before the end: wrong
  data.eval[1].id = "x=#2";
  data.eval[2].id = "x=#3";
  PretrainOptions pre;
  EvalContext ctx{base, tuned, &data, &pre, 0};
  const EvalOutput out = TaskAccuracy().evaluate(ctx);
  std::vector<double> tuned_scores;
  for (const auto& item : out.items) {
    if (item.model == "tuned") tuned_scores.push_back(item.score);
  }
  EXPECT_EQ(tuned_scores, (std::vector<double>{1, 0, 0}));
  EXPECT_EQ(out.items[3].meta.at("output"), "ab");
  EXPECT_EQ(out.items[4].meta.at("output"), "ab")
      << "one token past a 1-token answer shows it did not stop";
  for (const auto& a : out.aggregates) {
    if (a.model == "tuned" && a.metric == "accuracy") {
      EXPECT_DOUBLE_EQ(a.value, 1.0 / 3.0);
      EXPECT_NEAR(*a.ci_low, 0.0615, 1e-4);  // Wilson, 1 of 3
      EXPECT_NEAR(*a.ci_high, 0.7923, 1e-4);
    }
  }
}

TEST(TaskAccuracy, TheBaseModelCacheGivesExactlyTheUncachedResults) {
  torch::manual_seed(4);
  LlamaForCausalLM base(testing::tiny_config()), tuned(testing::tiny_config());
  LlamaForCausalLM other_base(testing::tiny_config());
  ReverseTask task(2, 3);
  const TaskData data = make_task_data(task, 20, 12, 0);
  PretrainOptions pre;
  const testing::Evaluate evaluate = [](EvalContext& ctx) { return TaskAccuracy().evaluate(ctx); };
  testing::expect_base_cache_exact(evaluate, {base, tuned, &data, &pre, 0}, other_base);
  // Other task items (another section of the spec draws other ones) miss.
  const TaskData other = make_task_data(task, 20, 12, 1);
  testing::expect_base_cache_miss(
      evaluate,
      [&](EvalContext& ctx) {
        ctx.task = &other;
        return TaskAccuracy().evaluate(ctx);
      },
      {base, tuned, &data, &pre, 0}, other_base);
}

}  // namespace
}  // namespace tb
