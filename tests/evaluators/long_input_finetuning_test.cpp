// LIFT's segments, truncation and per-item adaptation (Mao et al. 2024, §3.1).
#include "evaluators/long_input_finetuning.h"

#include <gtest/gtest.h>

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

// Without steps LIFT is the model answering the truncated input; with them the adapter has
// read the whole input, and the answer it held (cut from the window) becomes likelier.
TEST(Lift, TrainsOnTheInputAndAnswersFromTheTruncatedWindow) {
  torch::manual_seed(0);
  LlamaConfig c = testing::tiny_config();
  c.max_position_embeddings = 256;
  LlamaForCausalLM model(c);
  const Tokenizer& tok = byte_tokenizer();
  LiftOptions o;
  o.segment = 64;
  o.stride = 24;
  o.context = 32;
  o.steps = 0;
  LiftResponder untrained(model, tok, o, 4);
  Query truncated = key_query();
  truncated.prompt = tok.decode(head_and_tail(tok.encode(truncated.prompt), 31), false);
  const Response plain = ModelResponder(model, tok, 4).respond({truncated})[0];
  const Response lifted0 = untrained.respond({key_query()})[0];
  EXPECT_EQ(lifted0.output, plain.output);
  EXPECT_DOUBLE_EQ(lifted0.answer_logprob, plain.answer_logprob);
  o.steps = 30;
  o.lr = 1e-2;
  LiftResponder lift(model, tok, o, 4);
  const Response lifted = lift.respond({key_query()})[0];
  EXPECT_GT(lifted.answer_logprob, plain.answer_logprob + 1.0);
  const int64_t input = int64_t(tok.encode_with_bos(key_query().prompt).size());
  EXPECT_EQ(lift.trained_tokens, 30 * int64_t(lift_segment_starts(input, 64, 24).size()) * 64);
  EXPECT_EQ(lift.queries, 1);
  EXPECT_GT(lift.seconds, 0);
}

}  // namespace
}  // namespace tb
