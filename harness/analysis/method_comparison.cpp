// Metric-by-metric comparison of two methods (see method_comparison.h); every interval and
// verdict comes from intervals.h. McNemar's exact test pools the discordant pairs of all seeds.
#include "harness/analysis/method_comparison.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "harness/analysis/metric_samples.h"
#include "harness/common/check.h"
#include "harness/common/strings.h"
#include "harness/store/store.h"

namespace tb {
namespace {

std::string signed_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.3f", v);
  return buf;
}

std::string number(double v, const char* format = "%.3f") {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// "= 0.0123", or "< 1e-300" where the exact tail underflows.
std::string p_text(double p) { return p > 0 ? "= " + number(p, "%.3g") : "< 1e-300"; }

std::string interval_text(const Interval& i) {
  if (!i.has_interval()) return number(i.value);
  return number(i.value) + " [" + number(i.low) + ", " + number(i.high) + "]";
}

std::string sentence_of(const MetricComparison& m, const std::string& a, const std::string& b) {
  const auto& d = m.difference;
  const bool better = m.lower_is_better ? d.value < 0 : d.value > 0;
  std::string s = "\"" + b + "\" is " + number(std::fabs(d.value)) +
                  (d.value >= 0 ? " higher" : " lower") + " than \"" + a + "\"";
  if (d.value != 0) s += std::string(" (") + (better ? "better" : "worse") + ")";
  return s + "; " + difference_verdict(d);
}

// McNemar over the (seed, item) pairs both sides scored 0/1; nullopt when there are none or
// some score is not 0/1.
std::optional<McNemarResult> mcnemar_of(const MetricSamples& a, const MetricSamples& b) {
  std::vector<double> xs, ys;
  for (const auto& [seed, a_items] : a.items) {
    const auto b_items = b.items.find(seed);
    if (b_items == b.items.end()) continue;
    for (const auto& [id, score] : a_items) {
      const auto other = b_items->second.find(id);
      if (other == b_items->second.end()) continue;
      xs.push_back(score);
      ys.push_back(other->second);
    }
  }
  if (xs.empty() || !all_binary(xs) || !all_binary(ys)) return std::nullopt;
  return mcnemar(xs, ys);
}

// One run's samples filed under seed 0.
MetricSamples with_seed_zero(const MetricSamples& m) {
  MetricSamples out;
  out.range = m.range;
  if (!m.seeds.empty()) out.seeds[0] = m.seeds.begin()->second;
  if (!m.items.empty()) out.items[0] = m.items.begin()->second;
  return out;
}

// Both sides' samples from one read of the store: A's under "A", B's under "B".
std::pair<Samples, Samples> samples_of(Store& store, const RunFilter& filter, const RunSelection& a,
                                       const RunSelection& b) {
  RunGroups groups;
  for (const auto& key : a.keys) groups.emplace(key, "A");
  for (const auto& key : b.keys) groups.emplace(key, "B");
  auto read = read_grouped_samples(store, filter, groups);
  return {std::move(read["A"]), std::move(read["B"])};
}

}  // namespace

RunSelection select_runs(Store& store, const std::string& sweep, const std::string& selector) {
  const auto runs = store.runs(RunFilter{sweep, {}});
  std::vector<std::string> variants;  // in run order
  for (const auto& r : runs) {
    if (std::find(variants.begin(), variants.end(), r.variant) == variants.end())
      variants.push_back(r.variant);
  }
  auto done_runs_of = [&](const std::string& variant) {
    RunSelection s{variant, {}, false};
    for (const auto& r : runs) {
      if (r.variant == variant && r.status == "done") s.keys.push_back(r.key);
    }
    if (s.keys.empty())
      throw UserError("\"" + variant + "\" has no finished runs in sweep " + sweep);
    return s;
  };
  if (std::find(variants.begin(), variants.end(), selector) != variants.end())
    return done_runs_of(selector);
  std::set<std::string> of_method;
  for (const auto& r : runs) {
    if (r.method == selector && r.status == "done")
      of_method.insert(r.variant);  // variants with results
  }
  if (of_method.size() == 1) return done_runs_of(*of_method.begin());
  if (of_method.size() > 1) {
    throw UserError("\"" + selector + "\" names " + std::to_string(of_method.size()) +
                    " variants in sweep " + sweep + "; pass one of: " + joined(of_method, "; "));
  }
  std::vector<const RunRecord*> keyed;
  for (const auto& r : runs) {
    if (r.key == selector || (selector.size() >= 6 && r.key.rfind(selector, 0) == 0))
      keyed.push_back(&r);
  }
  if (keyed.size() == 1) {
    if (keyed[0]->status != "done")
      throw UserError("run " + keyed[0]->key + " is " + keyed[0]->status + ", not done");
    return {"run " + keyed[0]->key + " (" + keyed[0]->variant +
                " seed=" + std::to_string(keyed[0]->seed) + ")",
            {keyed[0]->key},
            true};
  }
  throw UserError("\"" + selector + "\" is not a variant, method or run of sweep " + sweep +
                  (keyed.size() > 1 ? " (the key prefix is ambiguous)" : "") +
                  "; variants: " + joined(variants, "; "));
}

Comparison compare_runs(Store& store, const std::string& a_selector, const std::string& b_selector,
                        const CompareOptions& o) {
  const auto snapshot = store.snapshot();
  Comparison c;
  c.sweep = store.resolve_sweep(o.sweep);
  c.a = select_runs(store, c.sweep, a_selector);
  c.b = select_runs(store, c.sweep, b_selector);
  if (c.a.keys == c.b.keys) throw UserError("A and B are the same runs (" + c.a.label + ")");
  auto [a, b] = samples_of(store, RunFilter{c.sweep, {}, o.step}, c.a, c.b);
  if (c.a.single_run &&
      c.b.single_run) {  // two runs: the same items, paired by item whatever their seeds
    for (Samples* side : {&a, &b}) {
      for (auto& [metric, m] : *side) m = with_seed_zero(m);
    }
  }
  for (const auto& [metric, a_samples] : a) {
    const auto b_samples = b.find(metric);
    if (b_samples == b.end() || metric.find('@') != std::string::npos)
      continue;  // slices: see the report
    const std::string plain =
        metric.rfind("Δ ", 0) == 0 ? metric.substr(std::string("Δ ").size()) : metric;
    if (!o.suite.empty() && plain.substr(0, plain.find(' ')) != o.suite) continue;
    MetricComparison m;
    m.metric = metric;
    m.lower_is_better = lower_is_better(plain);
    m.a = mean_interval(a_samples.seeds, a_samples.range);
    m.b = mean_interval(b_samples->second.seeds, b_samples->second.range);
    m.difference = difference_of(a_samples, b_samples->second);
    m.mcnemar = mcnemar_of(a_samples, b_samples->second);
    m.sentence = sentence_of(m, c.a.label, c.b.label);
    c.metrics.push_back(std::move(m));
  }
  if (c.metrics.empty()) {
    throw UserError("\"" + c.a.label + "\" and \"" + c.b.label + "\" share no measured metric" +
                    (o.suite.empty() ? "" : " in suite " + o.suite) +
                    (o.step ? " after step " + std::to_string(*o.step) + " (evaluations during training)" : "") +
                    " in sweep " + c.sweep);
  }
  return c;
}

std::string comparison_text(const Comparison& c) {
  auto side = [](const char* name, const RunSelection& s) {
    return std::string(name) + ": " + s.label + " (" + std::to_string(s.keys.size()) + " run" +
           (s.keys.size() == 1 ? "" : "s") + ")\n";
  };
  std::string out = "sweep " + c.sweep + "\n" + side("A", c.a) + side("B", c.b);
  for (const auto& m : c.metrics) {
    const auto& d = m.difference;
    out += "\n" + m.metric + " (" + (m.lower_is_better ? "lower" : "higher") + " is better)\n";
    const std::string a_basis = basis_text(m.a), b_basis = basis_text(m.b);
    out += "  A " + interval_text(m.a) + ", B " + interval_text(m.b) + "; " +
           (a_basis == b_basis ? "each " + b_basis : "A " + a_basis + ", B " + b_basis) + "\n";
    out +=
        "  B − A " + signed_number(d.value) +
        (d.has_interval() ? " [" + signed_number(d.low) + ", " + signed_number(d.high) + "]" : "") +
        ": " + basis_text(d) + (d.pairing.empty() ? "" : ", " + d.pairing) + "\n";
    if (m.mcnemar) {
      out += "  McNemar on these runs' 0/1 items (conditional on these runs): A right only " +
             std::to_string(m.mcnemar->only_a) + ", B right only " +
             std::to_string(m.mcnemar->only_b) + ", exact p " + p_text(m.mcnemar->p_value) + "\n";
    }
    out += "  " + m.sentence + "\n";
  }
  return out;
}

}  // namespace tb
