// Target-task accuracy: greedy decoding, then exact match of the whole answer followed by
// EOS (the "exact_match" rule of lm-evaluation-harness without normalisation). Every item
// also gets the teacher-forced log-probability of the gold answer + EOS, which separates
// models even when accuracy is near 0% or 100%. Accuracy carries the Wilson 95% interval;
// the tuned-minus-base accuracy is paired per item (mean difference ± SE).
#include "evaluators/task_accuracy.h"

#include "harness/analysis/stats.h"
#include "harness/model/generate.h"
#include "harness/model/tokenizer.h"

namespace tb {

EvalOutput TaskAccuracy::evaluate(EvalContext& ctx) {
  EvalOutput out;
  const std::string suite = "task_accuracy";
  std::vector<double> correct_by_model[2];
  for (int m = 0; m < 2; ++m) {
    LlamaForCausalLM& model = m == 0 ? ctx.base : ctx.tuned;
    const std::string name = m == 0 ? "base" : "tuned";
    model->eval();
    int64_t correct = 0;
    std::vector<double> logprobs;
    for (const TaskItem& item : ctx.task->eval) {
      std::vector<int64_t> prompt = {kBosToken};
      for (int64_t t : encode_bytes(item.prompt)) prompt.push_back(t);
      std::vector<int64_t> gold = encode_bytes(item.answer);
      // One token past the answer is enough to see whether the model stops there.
      const auto generated = greedy_generate(model, prompt, int64_t(gold.size()) + 1);
      const bool ok = generated == gold && int64_t(generated.size()) <= int64_t(gold.size());
      std::vector<int64_t> gold_eos = gold;
      gold_eos.push_back(kEosToken);
      const double logprob = continuation_logprob(model, prompt, gold_eos);
      correct += ok;
      correct_by_model[m].push_back(ok ? 1.0 : 0.0);
      logprobs.push_back(logprob);
      out.items.push_back({suite, name, item.id, ok ? 1.0 : 0.0, logprob,
                           {{"output", escape_bytes(decode_bytes(generated))}, {"answer_chars", int64_t(item.answer.size())}}});
    }
    out.aggregates.push_back(make_aggregate(suite, name, "accuracy", proportion_estimate(correct, int64_t(ctx.task->eval.size()))));
    out.aggregates.push_back(make_aggregate(suite, name, "answer_logprob", mean_estimate(logprobs)));
  }
  std::vector<double> diff;
  for (size_t i = 0; i < correct_by_model[0].size(); ++i) diff.push_back(correct_by_model[1][i] - correct_by_model[0][i]);
  out.aggregates.push_back(make_aggregate(suite, "delta", "accuracy", mean_estimate(diff)));
  return out;
}

}  // namespace tb
