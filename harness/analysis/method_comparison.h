// `tunebench compare A B`: two methods (variants) or two runs of a sweep compared on every
// unsliced metric of the tuned model that both measured (and its paired Δ to the base model),
// with each side's interval and the difference B − A from the one statistics module
// (intervals.h): over seeds at 3 or more paired seeds, otherwise conditional on these runs and
// paired by item. Each metric says which direction is better; McNemar's exact test (McNemar
// 1947) on the 0/1 items of these runs is printed as what it is, a test conditional on them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/analysis/intervals.h"
#include "harness/analysis/paired_tests.h"

namespace tb {

class Store;

// The runs a command-line selector names: a variant label as printed by `runs` and `report`
// ("lora r=8"), a method name that exactly one variant with finished runs has ("lora"), or a
// run key (or a unique prefix of at least 6 characters). Throws UserError listing the
// choices when it names nothing or is ambiguous.
struct RunSelection {
  std::string label;              // the variant label, or "run <key> (<label> seed=N)"
  std::vector<std::string> keys;  // done runs
  bool single_run = false;
};
RunSelection select_runs(Store& store, const std::string& sweep, const std::string& selector);

struct MetricComparison {
  std::string metric;  // "task_accuracy accuracy", "Δ forgetting held_out_ce"
  bool lower_is_better = false;
  Interval a, b, difference;             // difference: B − A
  std::optional<McNemarResult> mcnemar;  // 0/1 items paired by (seed, item), when there are any
  std::string sentence;
};

struct Comparison {
  std::string sweep;
  RunSelection a, b;
  std::vector<MetricComparison> metrics;
};

struct CompareOptions {
  std::string sweep;  // "" = the most recent sweep
  std::string suite;  // "" = every suite
  std::optional<int64_t> step;  // the evaluations taken during training after this step
};

// Throws UserError when the two share no measured metric.
Comparison compare_runs(Store& store, const std::string& a, const std::string& b,
                        const CompareOptions& options);

// The comparison as text: one block per metric.
std::string comparison_text(const Comparison& c);

}  // namespace tb
