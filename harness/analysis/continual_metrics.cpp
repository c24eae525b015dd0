#include "harness/analysis/continual_metrics.h"

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace tb {

ContinualSummary summarize_continual(const AccuracyMatrix& m) {
  const size_t t = m.r.size();
  if (t < 2 || m.base.size() != t) throw std::invalid_argument("an accuracy matrix needs T >= 2 stages and T base values");
  for (const auto& row : m.r) {
    if (row.size() != t) throw std::invalid_argument("an accuracy matrix must be square");
  }
  const std::vector<double>& last = m.r[t - 1];
  ContinualSummary s;
  for (size_t j = 0; j < t; ++j) s.average_accuracy += last[j] / double(t);
  for (size_t j = 0; j + 1 < t; ++j) {
    s.backward_transfer += (last[j] - m.r[j][j]) / double(t - 1);
    double best = m.r[0][j];
    for (size_t l = 1; l + 1 < t; ++l) best = std::max(best, m.r[l][j]);
    s.forgetting_per_task.push_back(best - last[j]);
    s.forgetting += (best - last[j]) / double(t - 1);
  }
  for (size_t j = 1; j < t; ++j) s.forward_transfer += (m.r[j - 1][j] - m.base[j]) / double(t - 1);
  return s;
}

namespace {

bool complete(const AccuracyMatrix& m, size_t stages) {
  if (m.r.size() != stages || m.base.size() != stages) return false;
  return std::all_of(m.r.begin(), m.r.end(), [&](const auto& row) { return row.size() == stages; });
}

void put(std::vector<double>& row, int64_t index, double value) {
  if (int64_t(row.size()) <= index) row.resize(size_t(index + 1), -1);
  row[size_t(index)] = value;
}

}  // namespace

std::map<std::string, std::map<int64_t, AccuracyMatrix>> accuracy_matrices(const std::vector<StageEvalRow>& rows) {
  std::map<std::string, std::map<int64_t, AccuracyMatrix>> out;
  std::map<std::string, int64_t> stages;  // by run: the number of stages (largest task index + 1)
  for (const StageEvalRow& row : rows) {
    const EvalRow& e = row.eval;
    if (row.task < 0 || e.suite != "task_accuracy" || e.metric != "accuracy") continue;
    AccuracyMatrix& m = out[e.variant][e.seed];
    if (e.model == "tuned") {
      if (int64_t(m.r.size()) <= row.stage) m.r.resize(size_t(row.stage + 1));
      put(m.r[size_t(row.stage)], row.task, e.value);
    } else if (e.model == "base" && row.stage == 0) {
      put(m.base, row.task, e.value);
    }
    stages[e.variant] = std::max(stages[e.variant], row.task + 1);
  }
  for (auto& [variant, by_seed] : out) {
    for (auto it = by_seed.begin(); it != by_seed.end();) {
      it = complete(it->second, size_t(stages[variant])) ? std::next(it) : by_seed.erase(it);
    }
  }
  return out;
}

namespace {

Interval interval_of(const std::map<int64_t, AccuracyMatrix>& by_seed,
                     const std::function<double(const ContinualSummary&)>& value, const ValueRange& range) {
  SeedValues values;
  for (const auto& [seed, m] : by_seed) values[seed] = {value(summarize_continual(m)), std::nullopt};
  return mean_interval(values, range);
}

AccuracyMatrix mean_matrix(const std::map<int64_t, AccuracyMatrix>& by_seed) {
  AccuracyMatrix mean = by_seed.begin()->second;
  const double k = double(by_seed.size());
  for (auto& row : mean.r) std::fill(row.begin(), row.end(), 0.0);
  std::fill(mean.base.begin(), mean.base.end(), 0.0);
  for (const auto& [seed, m] : by_seed) {
    for (size_t i = 0; i < m.r.size(); ++i) {
      for (size_t j = 0; j < m.r[i].size(); ++j) mean.r[i][j] += m.r[i][j] / k;
    }
    for (size_t j = 0; j < m.base.size(); ++j) mean.base[j] += m.base[j] / k;
  }
  return mean;
}

}  // namespace

ContinualIntervals continual_intervals(const std::map<int64_t, AccuracyMatrix>& by_seed) {
  if (by_seed.empty()) throw std::invalid_argument("no complete accuracy matrix");
  const ValueRange unit{0, 1}, signed_unit{-1, 1};
  ContinualIntervals out;
  out.average_accuracy = interval_of(by_seed, [](const auto& s) { return s.average_accuracy; }, unit);
  out.backward_transfer = interval_of(by_seed, [](const auto& s) { return s.backward_transfer; }, signed_unit);
  out.forward_transfer = interval_of(by_seed, [](const auto& s) { return s.forward_transfer; }, signed_unit);
  out.forgetting = interval_of(by_seed, [](const auto& s) { return s.forgetting; }, signed_unit);
  const size_t tasks = by_seed.begin()->second.r.size() - 1;
  for (size_t j = 0; j < tasks; ++j) {
    out.forgetting_per_task.push_back(
        interval_of(by_seed, [j](const auto& s) { return s.forgetting_per_task[j]; }, signed_unit));
  }
  out.mean = mean_matrix(by_seed);
  return out;
}

}  // namespace tb
