// `tunebench compare A B`: two methods (variants) or two runs of a sweep compared item by
// item on the tuned model's evaluation items, per suite and item group: the paired
// bootstrap interval of the mean difference B − A over seeds and items, McNemar's exact
// test where the scores are 0/1, and a plain sentence saying whether the difference is
// distinguishable from noise.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/analysis/paired_tests.h"

namespace tb {

class Store;

// The runs a command-line selector names: a variant label ("lora rank=8"), a method name
// that exactly one variant of the sweep with finished runs has ("lora"), or a run key (or a unique prefix of
// at least 6 characters). Throws UserError listing the choices when it names nothing or
// is ambiguous.
struct RunSelection {
  std::string label;              // the variant label, or "run <key>"
  std::vector<std::string> keys;  // done runs
  bool single_run = false;
};
RunSelection select_runs(Store& store, const std::string& sweep, const std::string& selector);

struct ItemGroupComparison {
  std::string suite, group;  // group: the item-id prefix before '/' ("chain"), or "" when none
  double mean_a = 0, mean_b = 0;
  BootstrapInterval difference;       // B − A
  std::optional<McNemarResult> mcnemar;  // when every score is 0 or 1
  bool distinguishable = false;       // the 95% interval excludes 0 (and McNemar p < 0.05 when run)
  std::string sentence;
};

struct Comparison {
  std::string sweep;
  RunSelection a, b;
  std::vector<ItemGroupComparison> groups;
};

struct CompareOptions {
  std::string sweep;  // "" = the most recent sweep
  std::string suite;  // "" = every suite
  int64_t resamples = 10000;
  uint64_t seed = 0;
};

// Pairs items by (seed, item id) when both sides are variants, by item id when either side
// is a single run (a variant's score for an item is then its mean over the variant's seeds,
// and McNemar applies only if those means are still 0/1). Throws UserError when the two share no evaluated items.
Comparison compare_runs(Store& store, const std::string& a, const std::string& b, const CompareOptions& options);

// The comparison as text: one block per item group.
std::string comparison_text(const Comparison& c);

}  // namespace tb
