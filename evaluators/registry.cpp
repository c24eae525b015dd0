#include "evaluators/registry.h"

#include "evaluators/forgetting.h"
#include "evaluators/long_context.h"
#include "evaluators/reasoning.h"
#include "evaluators/task_accuracy.h"
#include "harness/analysis/stats.h"

namespace tb {
namespace {

std::unique_ptr<Evaluator> make_task_accuracy(const nlohmann::json&) {
  return std::make_unique<TaskAccuracy>();
}

std::unique_ptr<Evaluator> make_forgetting(const nlohmann::json& o) {
  return std::make_unique<Forgetting>(ForgettingOptions::from_json(o));
}

std::unique_ptr<Evaluator> make_long_context(const nlohmann::json& o) {
  return std::make_unique<LongContext>(LongContextOptions::from_json(o));
}

std::unique_ptr<Evaluator> make_reasoning(const nlohmann::json& o) {
  return std::make_unique<Reasoning>(ReasoningOptions::from_json(o));
}

}  // namespace

EvalAggregate make_aggregate(const std::string& suite, const std::string& model,
                             const std::string& metric, const Estimate& e) {
  return {suite, model, metric, e.value, e.stderr_value, e.ci_low, e.ci_high, e.n};
}

const std::vector<EvaluatorInfo>& all_evaluators() {
  static const std::vector<EvaluatorInfo> evaluators = {
      {"task_accuracy",
       "exact-match accuracy and gold-answer log-probability on the task's held-out items",
       {},
       nullptr,
       &make_task_accuracy},
      {"forgetting",
       "held-out pretraining cross-entropy change and KL(base || tuned), paired per sequence; "
       "retention of "
       "control tasks the base model could do",
       forgetting_schema(), &check_forgetting, &make_forgetting},
      {"long_context",
       "passkey, needle-in-a-haystack (K keys, V values, Q queries), variable tracking and "
       "key-value retrieval "
       "over a grid of context lengths x needle depths, with an effective length",
       long_context_schema(), &check_long_context, &make_long_context},
      {"reasoning",
       "chained arithmetic over k hops (direct and chain of thought, extrapolation beyond the "
       "trained hops), "
       "plain and reversed multi-digit addition, and GSM8K from a JSON Lines file",
       reasoning_schema(), &check_reasoning, &make_reasoning},
  };
  return evaluators;
}

const EvaluatorInfo* find_evaluator(const std::string& name) {
  for (const auto& e : all_evaluators()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace tb
