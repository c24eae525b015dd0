#include "evaluators/task_accuracy.h"

#include <gtest/gtest.h>

#include "harness/data/reverse_task.h"
#include "harness/model/generate.h"
#include "harness/model/model_io.h"
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

}  // namespace
}  // namespace tb
