#include "evaluators/registry.h"

#include "evaluators/forgetting.h"
#include "evaluators/task_accuracy.h"
#include "harness/analysis/stats.h"

namespace tb {
namespace {

std::unique_ptr<Evaluator> make_task_accuracy(const nlohmann::json&) { return std::make_unique<TaskAccuracy>(); }

std::unique_ptr<Evaluator> make_forgetting(const nlohmann::json& o) {
  return std::make_unique<Forgetting>(
      ForgettingOptions{o.at("sequences").get<int64_t>(), o.at("seq_len").get<int64_t>()});
}

void check_forgetting(const nlohmann::json& o, const LlamaConfig& model, const JsonLocation& where) {
  if (o.at("seq_len").get<int64_t>() > model.max_position_embeddings) {
    where.key("seq_len").fail("must be <= the model's max_position_embeddings (" +
                              std::to_string(model.max_position_embeddings) + ")");
  }
}

}  // namespace

EvalAggregate make_aggregate(const std::string& suite, const std::string& model, const std::string& metric,
                             const Estimate& e) {
  return {suite, model, metric, e.value, e.stderr_value, e.ci_low, e.ci_high, e.n};
}

const std::vector<EvaluatorInfo>& all_evaluators() {
  static const std::vector<EvaluatorInfo> evaluators = {
      {"task_accuracy", "exact-match accuracy and gold-answer log-probability on the task's held-out items", {},
       nullptr, &make_task_accuracy},
      {"forgetting", "change in cross-entropy on held-out pretraining-mixture text, paired per sequence",
       {
           {.name = "sequences", .type = FieldType::kInt, .default_value = 64, .min = 2, .max = 100000},
           {.name = "seq_len", .type = FieldType::kInt, .default_value = 64, .min = 2},
       },
       &check_forgetting, &make_forgetting},
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
