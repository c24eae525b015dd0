// LIFT's segments, truncation and per-item adaptation (Mao et al. 2024, §3.1).
#include "evaluators/long_input_finetuning.h"

#include <gtest/gtest.h>

#include "harness/model/llama.h"
#include "harness/text/byte_tokenizer.h"
#include "tests/test_util.h"

namespace tb {
namespace {

TEST(Lift, SegmentsOverlapAndReachTheEnd) {
  EXPECT_EQ(lift_segment_starts(10, 4, 3), (std::vector<int64_t>{0, 3, 6}));
  EXPECT_EQ(lift_segment_starts(11, 4, 3), (std::vector<int64_t>{0, 3, 6, 7}));
  EXPECT_EQ(lift_segment_starts(4, 8, 3), (std::vector<int64_t>{0}));
}

TEST(Lift, AnswersFromTheHeadAndTheTail) {
  EXPECT_EQ(head_and_tail({1, 2, 3, 4, 5, 6, 7}, 4), (std::vector<int64_t>{1, 2, 6, 7}));
  EXPECT_EQ(head_and_tail({1, 2, 3}, 4), (std::vector<int64_t>{1, 2, 3}));
}

Query key_query() {
  std::string filler;
  for (int i = 0; i < 6; ++i) filler += "grass is green. sky is blue. ";
  return {"the key is 4821. " + filler + "the key is", " 4821", 6, ""};
}

LiftOptions small_lift(int64_t steps) {
  LiftOptions o;
  o.segment = 64;
  o.stride = 24;
  o.context = 32;
  o.steps = steps;
  o.lr = 1e-2;
  return o;
}

LlamaForCausalLM small_model() {
  torch::manual_seed(0);
  LlamaConfig c = testing::tiny_config();
  c.max_position_embeddings = 256;
  return LlamaForCausalLM(c);
}

double loss_on(LlamaForCausalLM& model, const std::vector<int64_t>& ids) {
  torch::NoGradGuard no_grad;
  model->eval();
  const auto t = torch::tensor(ids, torch::kInt64).unsqueeze(0);
  const int64_t n = t.size(1);
  return causal_lm_loss(model->forward(t.narrow(1, 0, n - 1)), t.narrow(1, 1, n - 1)).item<double>();
}

// Without steps LIFT is the model answering the head and tail of the input.
TEST(Lift, WithoutStepsItIsTheModelOnTheTruncatedInput) {
  LlamaForCausalLM model = small_model();
  const Tokenizer& tok = byte_tokenizer();
  LiftResponder untrained(model, tok, small_lift(0), 4);
  Query truncated = key_query();
  truncated.prompt = tok.decode(head_and_tail(tok.encode(truncated.prompt), 31), false);
  const Response plain = ModelResponder(model, tok, 4).respond({truncated})[0];
  const Response lifted = untrained.respond({key_query()})[0];
  EXPECT_EQ(lifted.output, plain.output);
  EXPECT_DOUBLE_EQ(lifted.answer_logprob, plain.answer_logprob);
}

// The adapter learns the input (its loss falls), the model it was copied from is untouched,
// and the cost is counted.
TEST(Lift, TrainsACopyOnTheWholeInput) {
  LlamaForCausalLM model = small_model();
  const Tokenizer& tok = byte_tokenizer();
  LiftResponder lift(model, tok, small_lift(20), 4);
  const std::vector<int64_t> input = tok.encode_with_bos(key_query().prompt);
  const double before = loss_on(model, input);
  LlamaForCausalLM adapted = lift.adapted_copy(input);
  EXPECT_LT(loss_on(adapted, input), before - 0.25);  // 5.58 -> 5.23 nats here
  EXPECT_DOUBLE_EQ(loss_on(model, input), before);
  EXPECT_EQ(lift.trained_tokens, 20 * int64_t(lift_segment_starts(int64_t(input.size()), 64, 24).size()) * 64);
  lift.respond({key_query()});
  EXPECT_EQ(lift.queries, 1);
  EXPECT_GT(lift.seconds, 0);
}

}  // namespace
}  // namespace tb
