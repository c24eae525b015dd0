// What runs measured, arranged for the intervals of intervals.h: per metric, each seed's
// value with its item-level standard error and, where the store has them, the item scores
// behind it. `compare` and `regress` both read a side this way and difference it with
// difference_of(), so the same pair of variants gets the same interval from both.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "harness/analysis/intervals.h"

namespace tb {

class Store;
struct RunFilter;

struct MetricSamples {
  SeedValues seeds;
  std::map<int64_t, std::map<std::string, double>> items;  // seed -> item id -> score
  ValueRange range;
};

// By metric name: "suite metric" for the tuned model ("task_accuracy accuracy", sliced ones
// too: "long_context passkey_accuracy@length=64") and "Δ suite metric" for its paired
// difference to the base model. Item scores are attached to unsliced metrics only.
using Samples = std::map<std::string, MetricSamples>;

// Run key -> the group(s) its samples go to (a run may be in several, e.g. `compare` of a
// variant against one of its own runs).
using RunGroups = std::multimap<std::string, std::string>;

// The samples of the filter's done runs in `groups`, by group, from one read of the store.
std::map<std::string, Samples> read_grouped_samples(Store& store, const RunFilter& filter, const RunGroups& groups);

// The samples of each variant label of the filter's done runs.
std::map<std::string, Samples> read_variant_samples(Store& store, const RunFilter& filter);

// B − A of one metric: difference_interval with, for every seed where both sides have the
// metric's items, the standard error of the item-by-item differences (paired by item id).
Interval difference_of(const MetricSamples& a, const MetricSamples& b);

}  // namespace tb
