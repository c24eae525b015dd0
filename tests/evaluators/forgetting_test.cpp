#include "evaluators/forgetting.h"

#include <gtest/gtest.h>

#include <cmath>

#include "harness/model/model_io.h"
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
  EXPECT_NEAR(by["delta/held_out_ce"].value, by["tuned/held_out_ce"].value - by["base/held_out_ce"].value, 1e-9);
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
