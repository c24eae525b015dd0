#include "evaluators/suite_scoring.h"

#include "harness/common/terminal_text.h"

namespace tb {

SuiteScores score_suite_items(const std::string& suite, const std::vector<SuiteItem>& items,
                              Responder& base, Responder& tuned, EvalOutput& out) {
  std::vector<Query> queries;
  for (const auto& item : items) queries.push_back(item.query);
  SuiteScores scores;
  for (int m = 0; m < 2; ++m) {
    const std::string model = m == 0 ? "base" : "tuned";
    ModelScores& s = m == 0 ? scores.base : scores.tuned;
    const std::vector<Response> responses = (m == 0 ? base : tuned).respond(queries);
    for (size_t i = 0; i < items.size(); ++i) {
      s.score.push_back(items[i].score(responses[i].output));
      s.logprob.push_back(responses[i].answer_logprob);
      nlohmann::json meta = items[i].meta;
      meta["gold"] = terminal_safe(items[i].query.answer);  // valid UTF-8 whatever the bytes
      meta["output"] = terminal_safe(responses[i].output);
      out.items.push_back(
          {suite, model, items[i].id, s.score.back(), s.logprob.back(), std::move(meta)});
    }
  }
  return scores;
}

Estimate score_estimate(const std::vector<double>& scores) {
  int64_t successes = 0;
  for (double s : scores) {
    if (s != 0.0 && s != 1.0) return mean_estimate(scores);
    successes += s == 1.0;
  }
  return proportion_estimate(successes, int64_t(scores.size()));
}

void add_score_aggregates(EvalOutput& out, const std::string& suite, const std::string& name,
                          const Slices& slices, const SuiteScores& scores,
                          const std::vector<size_t>& subset) {
  const std::string prefix = name.empty() ? "" : name + "_";
  const std::string accuracy = sliced_metric_name(prefix + "accuracy", slices);
  const std::string logprob = sliced_metric_name(prefix + "answer_logprob", slices);
  std::vector<double> values[2][2], diff[2];  // [model][metric]
  for (size_t i : subset) {
    const ModelScores* s[2] = {&scores.base, &scores.tuned};
    for (int m = 0; m < 2; ++m) {
      values[m][0].push_back(s[m]->score[i]);
      values[m][1].push_back(s[m]->logprob[i]);
    }
    diff[0].push_back(scores.tuned.score[i] - scores.base.score[i]);
    diff[1].push_back(scores.tuned.logprob[i] - scores.base.logprob[i]);
  }
  for (int m = 0; m < 2; ++m) {
    const std::string model = m == 0 ? "base" : "tuned";
    out.aggregates.push_back(make_aggregate(suite, model, accuracy, score_estimate(values[m][0])));
    out.aggregates.push_back(make_aggregate(suite, model, logprob, mean_estimate(values[m][1])));
  }
  out.aggregates.push_back(make_aggregate(suite, "delta", accuracy, mean_estimate(diff[0])));
  out.aggregates.push_back(make_aggregate(suite, "delta", logprob, mean_estimate(diff[1])));
}

}  // namespace tb
