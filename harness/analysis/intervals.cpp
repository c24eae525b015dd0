// One statistics module for every printed interval (see intervals.h). Student t over seeds;
// Welch's unpaired interval over seeds (Welch 1947, Biometrika 34); the normal z = 1.96 with
// item-level standard errors for intervals conditional on fewer than 3 runs (Miller 2024, §2).
#include "harness/analysis/intervals.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "evaluators/metric_names.h"
#include "harness/analysis/stats.h"
#include "harness/common/strings.h"

namespace tb {
namespace {

constexpr double kZ975 = 1.959964;
constexpr double kInf = std::numeric_limits<double>::infinity();


// The stored metric's name without suite and slices: "long_context passkey_accuracy@length=64"
// -> "passkey_accuracy".
std::string plain_name(const std::string& metric) {
  const std::string plain = parse_metric_name(metric).metric;
  const auto space = plain.rfind(' ');
  return space == std::string::npos ? plain : plain.substr(space + 1);
}

bool is_cross_entropy(const std::string& name) { return name == "ce" || ends_with(name, "_ce"); }
bool is_kl(const std::string& name) { return name.rfind("kl", 0) == 0; }

void clip(Interval& i, const ValueRange& r) {
  i.low = std::clamp(i.low, r.low, r.high);
  i.high = std::clamp(i.high, r.low, r.high);
}

double mean_of(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / double(v.size());
}

// Student t over per-seed values (k >= 2).
Interval over_seeds(const std::vector<double>& values) {
  const Estimate e = mean_estimate(values);
  Interval i;
  i.value = e.value;
  i.stderr_value = e.stderr_value;
  i.low = e.ci_low;
  i.high = e.ci_high;
  i.basis = IntervalBasis::kOverSeeds;
  i.seeds = e.n;
  return i;
}

// The mean of `values` with SE = sqrt(Σ se²) / k; no interval when some se is unknown.
Interval conditional(const std::vector<double>& values,
                     const std::vector<std::optional<double>>& se) {
  Interval i;
  i.value = mean_of(values);
  i.low = i.high = i.value;
  i.seeds = int64_t(values.size());
  i.per_seed = values;
  double sum = 0;
  for (const auto& s : se) {
    if (!s) return i;  // basis stays kNone
    sum += *s * *s;
  }
  if (values.empty()) return i;
  i.stderr_value = std::sqrt(sum) / double(values.size());
  i.low = i.value - kZ975 * i.stderr_value;
  i.high = i.value + kZ975 * i.stderr_value;
  i.basis = IntervalBasis::kConditional;
  return i;
}

std::string number(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

bool lower_is_better(const std::string& metric) {
  const std::string name = plain_name(metric);
  return is_cross_entropy(name) || is_kl(name) || name.find("loss") != std::string::npos ||
         name.find("perplexity") != std::string::npos;
}

ValueRange metric_range(const std::string& metric, const std::string& model) {
  const std::string name = plain_name(metric);
  const bool delta = model == "delta";
  if (ends_with(name, "accuracy")) return delta ? ValueRange{-1, 1} : ValueRange{0, 1};
  if (delta) return {};
  if (ends_with(name, "retention") || is_cross_entropy(name) || is_kl(name)) return {0, kInf};
  if (ends_with(name, "answer_logprob")) return {-kInf, 0};
  return {};
}

ValueRange difference_range(const ValueRange& r) { return {r.low - r.high, r.high - r.low}; }

Interval mean_interval(const SeedValues& seeds, const ValueRange& range) {
  std::vector<double> values;
  std::vector<std::optional<double>> se;
  for (const auto& [seed, v] : seeds) {
    values.push_back(v.value);
    se.push_back(v.stderr_value);
  }
  Interval i = int64_t(values.size()) >= kMinSeedsForSeedInterval ? over_seeds(values)
                                                                  : conditional(values, se);
  clip(i, range);
  return i;
}

Interval difference_interval(const SeedValues& a, const SeedValues& b, const ValueRange& range,
                             const std::map<int64_t, double>& paired_item_se) {
  std::vector<double> paired;
  std::vector<std::optional<double>> paired_se;
  bool by_item = true;  // every paired seed's SE comes from its items' differences
  for (const auto& [seed, va] : a) {
    const auto vb = b.find(seed);
    if (vb == b.end()) continue;
    paired.push_back(vb->second.value - va.value);
    const auto item_se = paired_item_se.find(seed);
    if (item_se != paired_item_se.end()) {
      paired_se.push_back(item_se->second);
      continue;
    }
    by_item = false;
    if (va.stderr_value && vb->second.stderr_value) {
      paired_se.push_back(std::hypot(*va.stderr_value, *vb->second.stderr_value));
    } else {
      paired_se.push_back(std::nullopt);
    }
  }
  const int64_t ka = int64_t(a.size()), kb = int64_t(b.size()), kp = int64_t(paired.size());
  Interval d;
  if (kp >= kMinSeedsForSeedInterval && kp == ka && kp == kb) {
    d = over_seeds(paired);
    d.pairing = "paired by seed";
  } else if (ka >= kMinSeedsForSeedInterval && kb >= kMinSeedsForSeedInterval) {
    const Interval ia = mean_interval(a, {}), ib = mean_interval(b, {});
    d.value = ib.value - ia.value;
    d.stderr_value = std::hypot(ia.stderr_value, ib.stderr_value);
    const double half = t_quantile_975(std::min(ka, kb) - 1) * d.stderr_value;
    d.low = d.value - half;
    d.high = d.value + half;
    d.basis = IntervalBasis::kOverSeeds;
    d.seeds = std::min(ka, kb);
    d.pairing = "unpaired (Welch SE, min(k) − 1 df, " + std::to_string(ka) + " vs " +
                std::to_string(kb) + " seeds)";
  } else if (kp > 0) {
    d = conditional(paired, paired_se);
    d.pairing = (by_item ? "paired by item within " : "paired by seed, items unpaired, within ") +
                std::to_string(kp) + " seed" + (kp == 1 ? "" : "s");
  } else {
    const Interval ia = mean_interval(a, {}), ib = mean_interval(b, {});
    d.value = ib.value - ia.value;
    d.low = d.high = d.value;
    d.seeds = std::min(ka, kb);
    d.pairing = "unpaired (no seed in common)";
    if (ia.has_interval() && ib.has_interval() && ia.basis == IntervalBasis::kConditional &&
        ib.basis == IntervalBasis::kConditional) {
      d.stderr_value = std::hypot(ia.stderr_value, ib.stderr_value);
      d.low = d.value - kZ975 * d.stderr_value;
      d.high = d.value + kZ975 * d.stderr_value;
      d.basis = IntervalBasis::kConditional;
    }
  }
  clip(d, range);
  return d;
}

std::string basis_text(const Interval& i, int digits) {
  switch (i.basis) {
    case IntervalBasis::kNone:
      return "no interval (one run without item-level standard errors)";
    case IntervalBasis::kOverSeeds:
      return "95% interval over " + std::to_string(i.seeds) + " seeds (Student t, " +
             std::to_string(i.seeds - 1) + " df)";
    case IntervalBasis::kConditional: {
      std::string seeds;
      for (double v : i.per_seed) seeds += (seeds.empty() ? "" : ", ") + number(v, digits);
      return "95% interval conditional on these " + std::to_string(i.seeds) + " run" +
             (i.seeds == 1 ? "" : "s") + " (items as the unit; fewer than 3 seeds" +
             (seeds.empty() ? "" : "; per seed: " + seeds) + ")";
    }
  }
  return "";
}

std::string difference_verdict(const Interval& d) {
  switch (d.basis) {
    case IntervalBasis::kNone:
      return "no interval, so no verdict.";
    case IntervalBasis::kOverSeeds:
      return d.excludes_zero()
                 ? "the difference is distinguishable from seed-to-seed noise."
                 : "the interval includes 0, so the difference is not distinguishable from "
                   "seed-to-seed noise.";
    case IntervalBasis::kConditional:
      return d.excludes_zero()
                 ? "these runs differ beyond their item noise; with fewer than 3 seeds this says "
                   "nothing about "
                   "other seeds (run 3 or more to compare the methods)."
                 : "the interval includes 0: these runs do not differ beyond their item noise.";
  }
  return "";
}

}  // namespace tb
