// Target-task accuracy: greedy decoding, then exact match of the whole output with the gold
// answer (the "exact_match" rule of lm-evaluation-harness; the task may name a normaliser,
// harness/data/answer_normalizer.h; GSM8K's rules generate up to 256 tokens and stop at
// "Question:", as lm-evaluation-harness does). For a conversation the expected output is the rendered
// reply up to the stop token. Every item also gets the teacher-forced log-probability of the
// gold answer + EOS (a conversation: of the rendered reply), which separates models even
// when accuracy is near 0% or 100%. Accuracy carries the Wilson 95% interval; the
// tuned-minus-base accuracy is paired per item (mean difference ± SE).
#include "evaluators/task_accuracy.h"

#include "evaluators/cached_responder.h"
#include "evaluators/suite_scoring.h"
#include "harness/data/gsm8k.h"
#include "harness/train/item_encoding.h"

namespace tb {

EvalOutput TaskAccuracy::evaluate(EvalContext& ctx) {
  std::vector<SuiteItem> items;
  const AnswerNormalizer match = ctx.task->answer_match;
  // GSM8K's rules read a number out of a worked solution of any length: lm-eval's budget
  // (256 tokens) and its stop sequence.
  const bool gsm8k = match == AnswerNormalizer::kGsm8k || match == AnswerNormalizer::kGsm8kFlexible;
  for (const TaskItem& item : ctx.task->eval) {
    const std::string expected = expected_output(ctx.tokenizer(), item);
    // One token past the answer is enough to see whether the model stops there.
    const int64_t budget = gsm8k ? std::max<int64_t>(256, int64_t(expected.size()) + 1) : int64_t(expected.size()) + 1;
    items.push_back(
        {item.id,
         {item.prompt, item.answer, budget, gsm8k ? gsm8k_stop_sequence() : "", item.rendered_reply},
         [expected, match](const std::string& out) { return answer_match(match, out, expected); },
         {{"answer_chars", int64_t(item.answer.size())}}});
  }
  const auto base = base_responder(ctx, "task_accuracy");
  ModelResponder tuned(ctx.tuned, ctx.tokenizer());
  EvalOutput out;
  const SuiteScores scores = score_suite_items("task_accuracy", items, *base, tuned, out);
  std::vector<size_t> all(items.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  add_score_aggregates(out, "task_accuracy", "", {}, scores, all);
  return out;
}

}  // namespace tb
