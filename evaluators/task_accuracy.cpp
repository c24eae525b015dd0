// Target-task accuracy: greedy decoding, then exact match of the whole answer followed by
// EOS (the "exact_match" rule of lm-evaluation-harness without normalisation). Every item
// also gets the teacher-forced log-probability of the gold answer + EOS, which separates
// models even when accuracy is near 0% or 100%. Accuracy carries the Wilson 95% interval;
// the tuned-minus-base accuracy is paired per item (mean difference ± SE).
#include "evaluators/task_accuracy.h"

#include "evaluators/cached_responder.h"
#include "evaluators/suite_scoring.h"

namespace tb {

EvalOutput TaskAccuracy::evaluate(EvalContext& ctx) {
  std::vector<SuiteItem> items;
  for (const TaskItem& item : ctx.task->eval) {
    // One token past the answer is enough to see whether the model stops there.
    items.push_back(
        {item.id,
         {item.prompt, item.answer, int64_t(item.answer.size()) + 1, ""},
         [answer = item.answer](const std::string& out) { return out == answer ? 1.0 : 0.0; },
         {{"answer_chars", int64_t(item.answer.size())}}});
  }
  const auto base = base_responder(ctx, "task_accuracy");
  ModelResponder tuned(ctx.tuned);
  EvalOutput out;
  const SuiteScores scores = score_suite_items("task_accuracy", items, *base, tuned, out);
  std::vector<size_t> all(items.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  add_score_aggregates(out, "task_accuracy", "", {}, scores, all);
  return out;
}

}  // namespace tb
