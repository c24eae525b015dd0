#include "harness/report/summary.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "evaluators/metric_names.h"
#include "harness/common/check.h"
#include "harness/common/strings.h"
#include "harness/store/store.h"

namespace tb {

void CountRange::add(int64_t v) {
  min = empty ? v : std::min(min, v);
  max = empty ? v : std::max(max, v);
  empty = false;
}
namespace {

Interval cell_of(const SeedValues& values, const ValueRange& range = {}) { return mean_interval(values, range); }

std::string column_name(const std::string& suite, const std::string& model,
                        const std::string& metric) {
  return (model == "delta" ? "Δ " : "") + suite + " " + metric;
}

const std::string kBaseLabel = "base model";

// Sliced accuracies and cross-entropies (position_ce by position) by (suite and metric, slice
// keys) -> row label -> slice values -> runs.
class SliceValues {
 public:
  void add(const EvalRow& e, const std::string& label) {
    const SlicedMetric m = parse_metric_name(e.metric);
    if (!ends_with(m.metric, "accuracy") && !lower_is_better(m.metric)) return;
    if (m.slices.empty() || m.slices.size() > 2) return;
    std::string keys;
    for (const auto& [k, v] : m.slices) keys += (keys.empty() ? "" : " x ") + k;
    const std::string id = e.suite + " " + m.metric + ": " + keys;
    if (std::find(order_.begin(), order_.end(), id) == order_.end()) order_.push_back(id);
    Group& g = groups_[id];
    g.keys = m.slices;
    g.metric = m.metric;
    remember(g.first_values, m.slices[0].second);
    if (m.slices.size() == 2) remember(g.second_values, m.slices[1].second);
    g.values[label][{m.slices[0].second, m.slices.size() == 2 ? m.slices[1].second : ""}][e.seed] = {
        e.value, e.stderr_value};
  }

  // One grid per metric with one slice key (rows: models); one per metric and model with two.
  std::vector<SliceGrid> grids(const std::vector<std::string>& labels) const {
    std::vector<SliceGrid> out;
    for (const std::string& id : order_) {
      Group g = groups_.at(id);
      sort_numerically(g.first_values);
      sort_numerically(g.second_values);
      const ValueRange range = metric_range(g.metric);
      const bool lower_better = lower_is_better(g.metric);
      if (g.keys.size() == 1) {
        SliceGrid grid{id, "method", {}, g.first_values, {}, "", lower_better};
        for (const auto& label : labels) {
          if (!g.values.count(label)) continue;
          grid.row_labels.push_back(label);
          for (const auto& [at, v] : g.values.at(label)) grid.cells[{label, at.first}] = cell_of(v, range);
        }
        out.push_back(grid);
        continue;
      }
      for (const auto& label : labels) {
        if (!g.values.count(label)) continue;
        SliceGrid grid{id + ", " + label, g.keys[0].first, g.first_values, g.second_values, {}, label, lower_better};
        for (const auto& [at, v] : g.values.at(label)) grid.cells[at] = cell_of(v, range);
        out.push_back(grid);
      }
    }
    return out;
  }

 private:
  struct Group {
    Slices keys;
    std::string metric;  // without its slices
    std::vector<std::string> first_values, second_values;
    std::map<std::string, std::map<std::pair<std::string, std::string>, SeedValues>> values;
  };
  static void remember(std::vector<std::string>& seen, const std::string& v) {
    if (std::find(seen.begin(), seen.end(), v) == seen.end()) seen.push_back(v);
  }
  // The store returns metrics in string order ("128" before "96"); slice values are numbers.
  static void sort_numerically(std::vector<std::string>& values) {
    std::stable_sort(values.begin(), values.end(), [](const std::string& a, const std::string& b) {
      return std::strtod(a.c_str(), nullptr) < std::strtod(b.c_str(), nullptr);
    });
  }
  std::vector<std::string> order_;
  std::map<std::string, Group> groups_;
};

}  // namespace

SummaryTable summarize_sweep(Store& store, const std::string& sweep) {
  return summarize_sweep(store, RunFilter{sweep, {}});
}

SummaryTable summarize_sweep(Store& store, const RunFilter& requested) {
  const auto snapshot = store.snapshot();  // one consistent view while a sweep writes
  const std::string sweep = store.resolve_sweep(requested.sweep);
  const RunFilter filter{sweep, requested.methods};
  SummaryTable table;
  table.sweep = sweep;

  std::vector<std::string> variants;  // in run order
  std::map<std::string, std::map<std::string, SeedValues>> values;  // variant -> column -> by seed
  std::map<std::string, SeedValues> base_values;  // column -> one per distinct base evaluation
  std::map<std::string, ValueRange> ranges;       // by column
  SliceValues slices;
  for (const EvalRow& e : store.evals(filter)) {
    if (std::find(variants.begin(), variants.end(), e.variant) == variants.end())
      variants.push_back(e.variant);
    if (e.metric.find('@') != std::string::npos) {
      if (e.model != "delta") slices.add(e, e.model == "base" ? kBaseLabel : e.variant);
      continue;
    }
    const std::string tuned_column = column_name(e.suite, "tuned", e.metric);
    if (e.model == "base") {
      SeedValues& base = base_values[tuned_column];
      const bool seen = std::any_of(base.begin(), base.end(), [&](const auto& v) { return v.second.value == e.value; });
      if (!seen) base[int64_t(base.size())] = {e.value, e.stderr_value};  // identical base evaluations count once
      continue;
    }
    const std::string column = column_name(e.suite, e.model, e.metric);
    if (std::find(table.columns.begin(), table.columns.end(), column) == table.columns.end())
      table.columns.push_back(column);
    values[e.variant][column][e.seed] = {e.value, e.stderr_value};
    ranges[column] = metric_range(e.metric, e.model);
  }
  // Suites and metrics in alphabetical order, each paired difference right after its metric.
  auto plain = [](const std::string& c) {
    return c.rfind("Δ ", 0) == 0 ? c.substr(std::string("Δ ").size()) + "~" : c;
  };
  std::sort(table.columns.begin(), table.columns.end(),
            [&](const std::string& a, const std::string& b) { return plain(a) < plain(b); });
  if (!base_values.empty()) {
    SummaryRow base{kBaseLabel, 0, {}, {}, {}, std::nullopt};
    for (const auto& [column, v] : base_values) base.cells[column] = cell_of(v, ranges[column]);
    base.runs = int64_t(base_values.begin()->second.size());
    table.rows.push_back(base);
  }
  const auto runs = store.runs(filter);
  for (const std::string& variant : variants) {
    SummaryRow row{variant, 0, {}, {}, {}, std::nullopt};
    for (const auto& [column, v] : values[variant]) row.cells[column] = cell_of(v, ranges[column]);
    SeedValues walls;
    for (const RunRecord& r : runs) {
      if (r.variant != variant || r.status != "done") continue;
      ++row.runs;
      row.trainable_params.add(r.trainable_params);
      row.optimizer_state_bytes.add(r.optimizer_state_bytes);
      if (r.wall_seconds) walls[r.seed] = {*r.wall_seconds, std::nullopt};
    }
    if (!walls.empty()) row.wall_seconds = cell_of(walls, {0, std::numeric_limits<double>::infinity()});
    table.rows.push_back(row);
  }
  std::vector<std::string> labels = {kBaseLabel};
  labels.insert(labels.end(), variants.begin(), variants.end());
  table.grids = slices.grids(labels);
  return table;
}

}  // namespace tb
