// Names of sliced metrics: an aggregate over a subset of a suite's items (one context length,
// one depth, one hop count) is stored as "<metric>@<key>=<value>,<key>=<value>", e.g.
// "passkey_accuracy@length=256,depth=0.5". Reports use the slices to lay out heatmaps;
// unsliced metrics form the main comparison table. Free of LibTorch.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace tb {

using Slices = std::vector<std::pair<std::string, std::string>>;

struct SlicedMetric {
  std::string metric;  // "passkey_accuracy"
  Slices slices;       // {{"length", "256"}, {"depth", "0.5"}}
};

std::string sliced_metric_name(const std::string& metric, const Slices& slices);
SlicedMetric parse_metric_name(const std::string& name);

// The unsliced metric an evaluation item's score counts towards: "accuracy" for every item
// of task_accuracy (whose ids are prompts), "held_out_ce" for the forgetting suite's
// held-out sequences ("seq-3"), "control_<task>_accuracy" for its control items, and
// "<task>_accuracy" for "<task>/..." items of the other suites. The metric's value is the mean of these scores.
std::string item_metric(const std::string& suite, const std::string& item_id);

// Shortest decimal text of a number ("0.5", "256").
std::string slice_value(double value);

}  // namespace tb
