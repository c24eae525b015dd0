#include "harness/analysis/metric_samples.h"

#include <cmath>

#include "evaluators/metric_names.h"
#include "harness/store/store.h"

namespace tb {
namespace {

std::string sample_name(const EvalRow& e) {
  return (e.model == "delta" ? "Δ " : "") + e.suite + " " + e.metric;
}

// Standard error of the mean of the item-by-item differences b − a over shared items; none
// below 2 shared items.
std::optional<double> paired_item_se(const std::map<std::string, double>& a,
                                     const std::map<std::string, double>& b) {
  std::vector<double> d;
  for (const auto& [id, score] : a) {
    const auto other = b.find(id);
    if (other != b.end()) d.push_back(other->second - score);
  }
  if (d.size() < 2) return std::nullopt;
  double mean = 0, ss = 0;
  for (double x : d) mean += x / double(d.size());
  for (double x : d) ss += (x - mean) * (x - mean);
  return std::sqrt(ss / double(d.size() - 1)) / std::sqrt(double(d.size()));
}

}  // namespace

std::map<std::string, Samples> read_grouped_samples(Store& store, const RunFilter& filter, const RunGroups& groups) {
  const auto snapshot = store.snapshot();
  std::map<std::string, Samples> out;
  for (const EvalRow& e : store.evals(filter)) {
    if (e.model == "base") continue;
    for (auto [g, end] = groups.equal_range(e.run_key); g != end; ++g) {
      MetricSamples& m = out[g->second][sample_name(e)];
      m.seeds[e.seed] = {e.value, e.stderr_value};
      m.range = metric_range(e.metric, e.model);
    }
  }
  for (const ItemScore& i : store.items(filter, "tuned")) {
    for (auto [g, end] = groups.equal_range(i.run_key); g != end; ++g) {
      Samples& samples = out[g->second];
      const auto m = samples.find(i.suite + " " + item_metric(i.suite, i.item_id));
      if (m != samples.end()) m->second.items[i.seed][i.item_id] = i.score;
    }
  }
  return out;
}

std::map<std::string, Samples> read_variant_samples(Store& store, const RunFilter& filter) {
  const auto snapshot = store.snapshot();
  RunGroups groups;
  for (const RunRecord& r : store.runs(filter)) {
    if (r.status == "done") groups.emplace(r.key, r.variant);
  }
  return read_grouped_samples(store, filter, groups);
}

Interval difference_of(const MetricSamples& a, const MetricSamples& b) {
  std::map<int64_t, double> item_se;
  for (const auto& [seed, a_items] : a.items) {
    const auto b_items = b.items.find(seed);
    if (b_items == b.items.end()) continue;
    if (const auto se = paired_item_se(a_items, b_items->second)) item_se[seed] = *se;
  }
  return difference_interval(a.seeds, b.seeds, difference_range(a.range), item_se);
}

}  // namespace tb
