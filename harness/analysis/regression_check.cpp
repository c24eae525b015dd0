// Regression gate on stored baselines (see regression_check.h). Intervals: Student's t for
// paired per-seed differences and Welch's unpaired standard error (Welch 1947, Biometrika
// 34), the normal z = 1.96 for one run per side with item-level standard errors.
#include "harness/analysis/regression_check.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "harness/analysis/stats.h"
#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/common/json_text.h"
#include "harness/store/store.h"

namespace tb {
namespace {

struct RunValue {
  double value;
  std::optional<double> stderr_value;
};
// variant -> metric ("suite metric") -> seed -> value of the tuned model
using SweepValues = std::map<std::string, std::map<std::string, std::map<int64_t, RunValue>>>;

SweepValues values_of(const StoreSweep& s) {
  SweepValues out;
  for (const EvalRow& e : s.store->evals(RunFilter{s.sweep, {}})) {
    if (e.model == "tuned") out[e.variant][e.suite + " " + e.metric][e.seed] = {e.value, e.stderr_value};
  }
  return out;
}

std::string fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

void compare(MetricCheck& c, const std::map<int64_t, RunValue>& base, const std::map<int64_t, RunValue>& cand,
             bool higher_is_better) {
  const double sign = higher_is_better ? 1 : -1;
  std::vector<double> b, k, paired;
  for (const auto& [seed, v] : base) b.push_back(v.value);
  for (const auto& [seed, v] : cand) k.push_back(v.value);
  for (const auto& [seed, v] : base) {
    if (cand.count(seed)) paired.push_back(sign * (v.value - cand.at(seed).value));
  }
  const Estimate eb = mean_estimate(b), ek = mean_estimate(k);
  c.baseline = eb.value;
  c.candidate = ek.value;
  c.baseline_runs = eb.n;
  c.candidate_runs = ek.n;
  c.worse_by = sign * (eb.value - ek.value);
  double half = 0;
  if (paired.size() >= 2 && paired.size() == base.size() && paired.size() == cand.size()) {
    const Estimate d = mean_estimate(paired);
    c.worse_by = d.value;
    half = t_quantile_975(d.n - 1) * d.stderr_value;
    c.pairing = "paired over " + std::to_string(d.n) + " seeds";
  } else if (eb.n == 1 && ek.n == 1) {
    const double sb = base.begin()->second.stderr_value.value_or(0), sk = cand.begin()->second.stderr_value.value_or(0);
    half = 1.959964 * std::sqrt(sb * sb + sk * sk);
    c.pairing = "one run each (item-level standard errors)";
  } else {
    // A side with one run contributes its item-level standard error (its seeds cannot).
    auto side_se = [](const Estimate& e, const std::map<int64_t, RunValue>& runs) {
      return e.n >= 2 ? e.stderr_value : runs.begin()->second.stderr_value.value_or(0);
    };
    const double sb = side_se(eb, base), sk = side_se(ek, cand);
    const double se = std::sqrt(sb * sb + sk * sk);
    const int64_t df = std::max<int64_t>(1, std::min(eb.n, ek.n) - 1);
    half = t_quantile_975(df) * se;
    c.pairing = "unpaired (Welch, " + std::to_string(eb.n) + " vs " + std::to_string(ek.n) + " runs)";
  }
  c.worse_low = c.worse_by - half;
  c.worse_high = c.worse_by + half;
  c.regressed = c.worse_low > c.tolerance;
}

}  // namespace

bool lower_is_better(const std::string& metric) {
  const std::string last = metric.substr(metric.rfind(' ') == std::string::npos ? 0 : metric.rfind(' ') + 1);
  const bool cross_entropy = last == "ce" || (last.size() > 3 && last.compare(last.size() - 3, 3, "_ce") == 0);
  return cross_entropy || last.rfind("kl", 0) == 0 || last.find("loss") != std::string::npos ||
         last.find("perplexity") != std::string::npos;
}

std::vector<MetricTolerance> read_tolerances(const std::filesystem::path& file) {
  const std::string where = file.string();
  const auto j = parse_json_text(read_file(file), where);
  if (!j.is_object() || !j.contains("metrics") || !j.at("metrics").is_object() || j.at("metrics").empty()) {
    throw UserError(where + ": metrics: expected an object mapping metric names (\"suite metric\") to "
                    "{\"tolerance\": number}");
  }
  for (const auto& [key, value] : j.items()) {
    if (key != "metrics" && key != "_doc") throw UserError(where + ": " + key + ": unknown key (expected metrics, _doc)");
  }
  std::vector<MetricTolerance> out;
  for (const auto& [metric, spec] : j.at("metrics").items()) {
    const std::string at = where + ": metrics." + metric;
    if (!spec.is_object()) throw UserError(at + ": expected an object like {\"tolerance\": 0.02}");
    MetricTolerance t{metric, 0, !lower_is_better(metric)};
    for (const auto& [key, value] : spec.items()) {
      if (key == "tolerance") {
        if (!value.is_number() || value.get<double>() < 0) throw UserError(at + ".tolerance: expected a number >= 0");
        t.tolerance = value.get<double>();
      } else if (key == "better") {
        if (value != "higher" && value != "lower") throw UserError(at + ".better: expected \"higher\" or \"lower\"");
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

std::vector<MetricCheck> check_regressions(const StoreSweep& baseline, const StoreSweep& candidate,
                                           const std::vector<MetricTolerance>& tolerances) {
  const SweepValues base = values_of(baseline), cand = values_of(candidate);
  if (base.empty()) throw UserError("the baseline sweep " + baseline.sweep + " has no finished runs");
  for (const MetricTolerance& t : tolerances) {
    const bool known = std::any_of(base.begin(), base.end(), [&](const auto& v) { return v.second.count(t.metric) > 0; });
    if (!known) {
      std::vector<std::string> names;
      for (const auto& [variant, metrics] : base) {
        for (const auto& [m, seeds] : metrics) {
          if (m.find('@') == std::string::npos && std::find(names.begin(), names.end(), m) == names.end())
            names.push_back(m);
        }
      }
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw UserError("metric \"" + t.metric + "\" is not in the baseline sweep " + baseline.sweep +
                      "; its metrics: " + list);
    }
  }
  std::vector<MetricCheck> out;
  for (const auto& [variant, metrics] : base) {
    for (const MetricTolerance& t : tolerances) {
      if (!metrics.count(t.metric)) continue;  // this variant never measured it
      MetricCheck c;
      c.variant = variant;
      c.metric = t.metric;
      c.tolerance = t.tolerance;
      const auto v = cand.find(variant);
      if (v == cand.end()) {
        c.missing = "no finished run of this variant in the candidate";
      } else if (!v->second.count(t.metric)) {
        c.missing = "the candidate did not measure it";
      } else {
        compare(c, metrics.at(t.metric), v->second.at(t.metric), t.higher_is_better);
      }
      if (!c.missing.empty()) c.regressed = true;
      out.push_back(c);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const MetricCheck& a, const MetricCheck& b) { return a.regressed > b.regressed; });
  return out;
}

std::string regression_text(const std::vector<MetricCheck>& checks) {
  std::string out;
  int64_t regressed = 0;
  for (const MetricCheck& c : checks) {
    regressed += c.regressed;
    out += std::string(c.regressed ? "REGRESSED " : "ok        ") + c.variant + " · " + c.metric + ": ";
    if (!c.missing.empty()) {
      out += c.missing + "\n";
      continue;
    }
    out += fixed(*c.baseline) + " -> " + fixed(*c.candidate) + ", worse by " + fixed(c.worse_by) + " [" +
           fixed(c.worse_low) + ", " + fixed(c.worse_high) + "] (tolerance " + fixed(c.tolerance) + "; " + c.pairing +
           ")\n";
  }
  out += regressed == 0 ? "no regression: " + std::to_string(checks.size()) + " checks within tolerance\n"
                        : std::to_string(regressed) + " of " + std::to_string(checks.size()) +
                              " checks regressed beyond tolerance\n";
  return out;
}

}  // namespace tb
