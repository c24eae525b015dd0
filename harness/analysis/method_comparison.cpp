// Item-level paired comparison of two methods (see method_comparison.h). Pairs are
// (seed, item) so that seed-to-seed variation enters the interval through the bootstrap's
// seed resampling (paired_tests.h); McNemar's exact test pools the discordant pairs of all
// seeds.
#include "harness/analysis/method_comparison.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

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

std::string group_name(const ItemGroupComparison& g) { return g.suite + (g.group.empty() ? "" : " " + g.group); }

std::string sentence_of(const ItemGroupComparison& g, const std::string& a, const std::string& b) {
  const auto& d = g.difference;
  const std::string interval = "95% interval " + signed_number(d.low) + " to " + signed_number(d.high);
  std::string s = "\"" + b + "\" scores " + number(std::fabs(d.mean)) + (d.mean >= 0 ? " higher" : " lower") +
                  " than \"" + a + "\" on " + group_name(g) + " (" + interval + ", " + std::to_string(d.pairs) +
                  " paired items over " + std::to_string(d.seeds) + " seed" + (d.seeds == 1 ? "" : "s");
  if (g.mcnemar) s += "; McNemar p " + p_text(g.mcnemar->p_value);
  s += "): ";
  if (g.distinguishable) return s + "the difference is distinguishable from noise.";
  if (d.low <= 0 && d.high >= 0 && g.mcnemar && g.mcnemar->p_value < 0.05) {
    return s + "the items differ (McNemar), but the interval over seeds and items includes 0, so the difference is "
               "not distinguishable from seed-to-seed noise.";
  }
  if (d.low <= 0 && d.high >= 0) return s + "the interval includes 0, so the difference is not distinguishable from noise.";
  return s + "the bootstrap interval excludes 0 but McNemar's test does not reject equality, so treat it as not distinguishable from noise.";
}

}  // namespace

RunSelection select_runs(Store& store, const std::string& sweep, const std::string& selector) {
  const auto runs = store.runs(RunFilter{sweep, {}});
  std::vector<std::string> variants;  // in run order
  for (const auto& r : runs) {
    if (std::find(variants.begin(), variants.end(), r.variant) == variants.end()) variants.push_back(r.variant);
  }
  auto done_runs_of = [&](const std::string& variant) {
    RunSelection s{variant, {}, false};
    for (const auto& r : runs) {
      if (r.variant == variant && r.status == "done") s.keys.push_back(r.key);
    }
    if (s.keys.empty()) throw UserError("\"" + variant + "\" has no finished runs in sweep " + sweep);
    return s;
  };
  if (std::find(variants.begin(), variants.end(), selector) != variants.end()) return done_runs_of(selector);
  std::set<std::string> of_method;
  for (const auto& r : runs) {
    if (r.method == selector && r.status == "done") of_method.insert(r.variant);  // variants with results
  }
  if (of_method.size() == 1) return done_runs_of(*of_method.begin());
  if (of_method.size() > 1) {
    throw UserError("\"" + selector + "\" names " + std::to_string(of_method.size()) + " variants in sweep " + sweep +
                    "; pass one of: " + joined(of_method, "; "));
  }
  std::vector<const RunRecord*> keyed;
  for (const auto& r : runs) {
    if (r.key == selector || (selector.size() >= 6 && r.key.rfind(selector, 0) == 0)) keyed.push_back(&r);
  }
  if (keyed.size() == 1) {
    if (keyed[0]->status != "done") throw UserError("run " + keyed[0]->key + " is " + keyed[0]->status + ", not done");
    return {"run " + keyed[0]->key + " (" + keyed[0]->variant + " seed=" + std::to_string(keyed[0]->seed) + ")",
            {keyed[0]->key}, true};
  }
  throw UserError("\"" + selector + "\" is not a variant, method or run of sweep " + sweep +
                  (keyed.size() > 1 ? " (the key prefix is ambiguous)" : "") + "; variants: " + joined(variants, "; "));
}

Comparison compare_runs(Store& store, const std::string& a_selector, const std::string& b_selector,
                        const CompareOptions& o) {
  Comparison c;
  c.sweep = store.resolve_sweep(o.sweep);
  c.a = select_runs(store, c.sweep, a_selector);
  c.b = select_runs(store, c.sweep, b_selector);
  if (c.a.keys == c.b.keys) throw UserError("A and B are the same runs (" + c.a.label + ")");
  const bool by_seed = !c.a.single_run && !c.b.single_run;
  // (suite, group) -> (seed, item id) -> score, per side.
  using Scores = std::map<std::pair<std::string, std::string>, std::map<std::pair<int64_t, std::string>, double>>;
  const std::vector<ItemScore> items = store.items(RunFilter{c.sweep, {}}, "tuned");
  // Against a single run, a variant's score for an item is its mean over the variant's seeds.
  auto scores_of = [&](const RunSelection& s) {
    std::map<std::pair<std::string, std::string>, std::map<std::pair<int64_t, std::string>, std::pair<double, int>>> sums;
    for (const ItemScore& i : items) {
      if (std::find(s.keys.begin(), s.keys.end(), i.run_key) == s.keys.end()) continue;
      if (!o.suite.empty() && i.suite != o.suite) continue;
      const auto slash = i.item_id.find('/');
      const std::string group = slash == std::string::npos ? "" : i.item_id.substr(0, slash);
      auto& [sum, n] = sums[{i.suite, group}][{by_seed ? i.seed : 0, i.item_id}];
      sum += i.score;
      ++n;
    }
    Scores out;
    for (const auto& [group, by_item] : sums) {
      for (const auto& [at, sum_n] : by_item) out[group][at] = sum_n.first / sum_n.second;
    }
    return out;
  };
  const Scores a = scores_of(c.a), b = scores_of(c.b);
  for (const auto& [group, a_items] : a) {
    const auto it = b.find(group);
    if (it == b.end()) continue;
    std::map<int64_t, std::vector<double>> differences;
    std::vector<double> a_scores, b_scores;
    for (const auto& [at, a_score] : a_items) {
      const auto other = it->second.find(at);
      if (other == it->second.end()) continue;
      differences[at.first].push_back(other->second - a_score);
      a_scores.push_back(a_score);
      b_scores.push_back(other->second);
    }
    if (a_scores.empty()) continue;
    ItemGroupComparison g;
    g.suite = group.first;
    g.group = group.second;
    for (size_t k = 0; k < a_scores.size(); ++k) {
      g.mean_a += a_scores[k] / double(a_scores.size());
      g.mean_b += b_scores[k] / double(b_scores.size());
    }
    std::vector<std::vector<double>> by_seed_differences;
    for (auto& [seed, d] : differences) by_seed_differences.push_back(std::move(d));
    g.difference = paired_bootstrap(by_seed_differences, o.resamples, o.seed);
    if (all_binary(a_scores) && all_binary(b_scores)) g.mcnemar = mcnemar(a_scores, b_scores);
    const bool excludes_zero = g.difference.low > 0 || g.difference.high < 0;
    g.distinguishable = excludes_zero && (!g.mcnemar || g.mcnemar->p_value < 0.05);
    g.sentence = sentence_of(g, c.a.label, c.b.label);
    c.groups.push_back(std::move(g));
  }
  if (c.groups.empty()) {
    throw UserError("\"" + c.a.label + "\" and \"" + c.b.label + "\" share no evaluated items" +
                    (o.suite.empty() ? "" : " in suite " + o.suite) + " in sweep " + c.sweep);
  }
  return c;
}

std::string comparison_text(const Comparison& c) {
  std::string out = "sweep " + c.sweep + "\nA: " + c.a.label + " (" + std::to_string(c.a.keys.size()) + " run" +
                    (c.a.keys.size() == 1 ? "" : "s") + ")\nB: " + c.b.label + " (" +
                    std::to_string(c.b.keys.size()) + " run" + (c.b.keys.size() == 1 ? "" : "s") + ")\n";
  for (const auto& g : c.groups) {
    const auto& d = g.difference;
    out += "\n" + group_name(g) + ": " + std::to_string(d.pairs) + " pairs, " + std::to_string(d.seeds) + " seed" +
           (d.seeds == 1 ? "" : "s") + "\n";
    out += "  mean A " + number(g.mean_a) + ", B " + number(g.mean_b) + "; B − A " + signed_number(d.mean) +
           " [" + signed_number(d.low) + ", " + signed_number(d.high) + "] (paired bootstrap, SE " +
           number(d.stderr_value) + ")\n";
    if (g.mcnemar) {
      out += "  McNemar: A right only " + std::to_string(g.mcnemar->only_a) + ", B right only " +
             std::to_string(g.mcnemar->only_b) + ", exact p " + p_text(g.mcnemar->p_value) + "\n";
    }
    out += "  " + g.sentence + "\n";
  }
  return out;
}

}  // namespace tb
