// What the generation-scored suites share: answer every item with both models, keep a
// per-item record (score, answer log-probability, output and the item's metadata), and
// aggregate any subset of items into base / tuned / paired-delta estimates.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "evaluators/evaluator.h"
#include "evaluators/metric_names.h"
#include "evaluators/responder.h"

namespace tb {

struct SuiteItem {
  std::string id;  // unique within the suite
  Query query;
  std::function<double(const std::string& output)> score;  // the task's match rule, in [0, 1]
  nlohmann::json meta = nlohmann::json::object();          // task, length, depth, hops, ...
};

struct ModelScores {
  std::vector<double> score, logprob;  // per item, in item order
};

struct SuiteScores {
  ModelScores base, tuned;
};

// Both models answer every item; per-item records go to `out`.
SuiteScores score_suite_items(const std::string& suite, const std::vector<SuiteItem>& items,
                              Responder& base, Responder& tuned, EvalOutput& out);

// "<name>_accuracy" and "<name>_answer_logprob" (just "accuracy" and "answer_logprob" when
// `name` is empty; sliced by `slices`) for base and tuned,
// and their paired tuned - base differences, over the items in `subset`. Accuracy carries
// the Wilson interval when every score is 0 or 1, else the mean's t interval.
void add_score_aggregates(EvalOutput& out, const std::string& suite, const std::string& name,
                          const Slices& slices, const SuiteScores& scores,
                          const std::vector<size_t>& subset);

// Mean with SE and interval: Wilson for 0/1 scores, Student t otherwise.
Estimate score_estimate(const std::vector<double>& scores);

}  // namespace tb
