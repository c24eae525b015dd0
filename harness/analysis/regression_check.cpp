// Regression gate on stored baselines (see regression_check.h). Every interval comes from
// intervals.h through metric_samples.h, as `compare`'s do.
#include "harness/analysis/regression_check.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "harness/analysis/metric_samples.h"
#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/common/json_text.h"
#include "harness/common/strings.h"
#include "harness/store/store.h"

namespace tb {
namespace {

std::string fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

using VariantSamples = std::map<std::string, Samples>;  // label -> metric -> samples

// Baseline label -> candidate label: identity, then each --map entry.
std::map<std::string, std::string> pairing_of(const VariantSamples& base,
                                              const VariantSamples& cand, const VariantMap& map) {
  std::map<std::string, std::string> out;
  for (const auto& [label, samples] : base) out[label] = label;
  for (const std::string& entry : map) {
    std::vector<std::pair<std::string, std::string>> splits;
    for (size_t eq = entry.find('='); eq != std::string::npos; eq = entry.find('=', eq + 1)) {
      const std::string left = entry.substr(0, eq), right = entry.substr(eq + 1);
      if (base.count(left) && cand.count(right)) splits.emplace_back(left, right);
    }
    if (splits.size() != 1) {
      std::vector<std::string> b, c;
      for (const auto& [label, s] : base) b.push_back("\"" + label + "\"");
      for (const auto& [label, s] : cand) c.push_back("\"" + label + "\"");
      throw UserError(
          "--map " + entry + ": " +
          (splits.empty()
               ? "expected BASELINE_VARIANT=CANDIDATE_VARIANT with finished runs on both sides"
               : "ambiguous split at '='") +
          "; baseline variants: " + joined(b, ", ") + "; candidate variants: " + joined(c, ", "));
    }
    out[splits[0].first] = splits[0].second;
  }
  return out;
}

MetricCheck check_one(const std::string& variant, const std::string& candidate_variant,
                      const MetricTolerance& t, const MetricSamples& base, const Samples* cand) {
  MetricCheck c;
  c.variant = variant;
  c.candidate_variant = candidate_variant;
  c.metric = t.metric;
  c.tolerance = t.tolerance;
  c.baseline = mean_interval(base.seeds, base.range).value;
  c.baseline_runs = int64_t(base.seeds.size());
  if (!cand) {
    c.status = CheckStatus::kMissing;
    c.missing = "no finished run of \"" + candidate_variant + "\" in the candidate";
    return c;
  }
  const auto m = cand->find(t.metric);
  if (m == cand->end()) {
    c.status = CheckStatus::kMissing;
    c.missing = "the candidate did not measure it";
    return c;
  }
  c.candidate = mean_interval(m->second.seeds, m->second.range).value;
  c.candidate_runs = int64_t(m->second.seeds.size());
  const Interval d = difference_of(base, m->second);  // candidate − baseline
  c.worse = d;
  if (t.higher_is_better) {
    c.worse.value = -d.value;
    c.worse.low = -d.high;
    c.worse.high = -d.low;
    for (double& v : c.worse.per_seed) v = -v;
  }
  c.status = c.worse.low > t.tolerance ? CheckStatus::kRegressed : CheckStatus::kOk;
  return c;
}

void check_metrics_known(const VariantSamples& base, const std::string& sweep,
                         const std::vector<MetricTolerance>& tolerances) {
  for (const MetricTolerance& t : tolerances) {
    const bool known = std::any_of(base.begin(), base.end(),
                                   [&](const auto& v) { return v.second.count(t.metric) > 0; });
    if (known) continue;
    std::vector<std::string> names;
    for (const auto& [variant, metrics] : base) {
      for (const auto& [m, samples] : metrics) {
        if (std::find(names.begin(), names.end(), m) == names.end()) names.push_back(m);
      }
    }
    throw UserError("metric \"" + t.metric + "\" is not in the baseline sweep " + sweep +
                    "; its metrics: " + joined(names, ", "));
  }
}

}  // namespace

std::vector<MetricTolerance> read_tolerances(const std::filesystem::path& file) {
  const std::string where = file.string();
  const auto j = parse_json_text(read_file(file), where);
  if (!j.is_object() || !j.contains("metrics") || !j.at("metrics").is_object() ||
      j.at("metrics").empty()) {
    throw UserError(where +
                    ": metrics: expected an object mapping metric names (\"suite metric\") to "
                    "{\"tolerance\": number}");
  }
  for (const auto& [key, value] : j.items()) {
    if (key != "metrics" && key != "_doc")
      throw UserError(where + ": " + key + ": unknown key (expected metrics, _doc)");
  }
  std::vector<MetricTolerance> out;
  for (const auto& [metric, spec] : j.at("metrics").items()) {
    const std::string at = where + ": metrics." + metric;
    if (!spec.is_object()) throw UserError(at + ": expected an object like {\"tolerance\": 0.02}");
    MetricTolerance t{metric, 0, !lower_is_better(metric)};
    for (const auto& [key, value] : spec.items()) {
      if (key == "tolerance") {
        if (!value.is_number() || value.get<double>() < 0)
          throw UserError(at + ".tolerance: expected a number >= 0");
        t.tolerance = value.get<double>();
      } else if (key == "better") {
        if (value != "higher" && value != "lower")
          throw UserError(at + ".better: expected \"higher\" or \"lower\"");
        t.higher_is_better = value == "higher";
      } else {
        throw UserError(at + "." + key + ": unknown key (expected tolerance, better)");
      }
    }
    if (!spec.contains("tolerance")) throw UserError(at + ".tolerance: missing (a number >= 0)");
    out.push_back(t);
  }
  return out;
}

bool RegressionResult::regressed() const {
  return std::any_of(checks.begin(), checks.end(),
                     [](const MetricCheck& c) { return c.status == CheckStatus::kRegressed; });
}
bool RegressionResult::missing() const {
  return std::any_of(checks.begin(), checks.end(),
                     [](const MetricCheck& c) { return c.status == CheckStatus::kMissing; });
}

RegressionResult check_regressions(const StoreSweep& baseline, const StoreSweep& candidate,
                                   const std::vector<MetricTolerance>& tolerances,
                                   const VariantMap& map) {
  const VariantSamples base = read_variant_samples(*baseline.store, RunFilter{baseline.sweep, {}});
  const VariantSamples cand =
      read_variant_samples(*candidate.store, RunFilter{candidate.sweep, {}});
  if (base.empty())
    throw UserError("the baseline sweep " + baseline.sweep + " has no finished runs");
  check_metrics_known(base, baseline.sweep, tolerances);
  const auto pairs = pairing_of(base, cand, map);
  RegressionResult result;
  std::set<std::string> used;
  for (const auto& [variant, metrics] : base) {
    const std::string& other = pairs.at(variant);
    const auto c = cand.find(other);
    if (c != cand.end()) used.insert(other);
    for (const MetricTolerance& t : tolerances) {
      const auto m = metrics.find(t.metric);
      if (m == metrics.end()) continue;  // this variant never measured it
      result.checks.push_back(
          check_one(variant, other, t, m->second, c == cand.end() ? nullptr : &c->second));
    }
  }
  for (const auto& [label, samples] : cand) {
    if (!used.count(label)) result.unmatched.push_back(label);
  }
  auto rank = [](const MetricCheck& c) {
    return c.status == CheckStatus::kRegressed ? 0 : c.status == CheckStatus::kMissing ? 1 : 2;
  };
  std::stable_sort(result.checks.begin(), result.checks.end(),
                   [&](const MetricCheck& a, const MetricCheck& b) { return rank(a) < rank(b); });
  return result;
}

std::string regression_text(const RegressionResult& r) {
  std::string out;
  int64_t regressed = 0, missing = 0;
  for (const MetricCheck& c : r.checks) {
    const char* tag = c.status == CheckStatus::kRegressed ? "REGRESSED "
                      : c.status == CheckStatus::kMissing ? "MISSING   "
                                                          : "ok        ";
    regressed += c.status == CheckStatus::kRegressed;
    missing += c.status == CheckStatus::kMissing;
    const std::string pair =
        c.variant == c.candidate_variant ? c.variant : c.variant + " -> " + c.candidate_variant;
    out += std::string(tag) + pair + " · " + c.metric + ": ";
    if (c.status == CheckStatus::kMissing) {
      out += c.missing + "\n";
      continue;
    }
    const Interval& w = c.worse;
    out += fixed(*c.baseline) + " -> " + fixed(*c.candidate) + ", worse by " + fixed(w.value) +
           (w.has_interval() ? " [" + fixed(w.low) + ", " + fixed(w.high) + "]" : "") +
           " (tolerance " + fixed(c.tolerance) + "; " + basis_text(w, 4) +
           (w.pairing.empty() ? "" : ", " + w.pairing) + ")\n";
  }
  for (const std::string& label : r.unmatched) {
    out +=
        "unmatched candidate variant (no baseline to check it against; see --map): " + label + "\n";
  }
  const int64_t n = int64_t(r.checks.size());
  if (regressed > 0) {
    out += std::to_string(regressed) + " of " + std::to_string(n) +
           " checks regressed beyond tolerance";
  } else if (missing == 0) {
    out += "no regression: " + std::to_string(n) + " checks within tolerance";
  } else {
    out += "no regression among the " + std::to_string(n - missing) + " checks made";
  }
  if (missing > 0) out += "; " + std::to_string(missing) + " could not be checked (missing)";
  return out + "\n";
}

}  // namespace tb
