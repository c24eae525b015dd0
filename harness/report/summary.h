// The comparison table of a sweep: one row per method variant (its label in the sweep), each
// evaluation metric as a mean over seeds with the interval of intervals.h, plus the base
// model's row. One field schema feeds every output format.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/analysis/intervals.h"

namespace tb {

class Store;

// The smallest and largest of a count over a row's runs (they differ when a method's
// parameter count depends on the seed, as HFT's and EVA's do).
struct CountRange {
  int64_t min = 0, max = 0;
  void add(int64_t v);
  bool empty = true;
};

struct SummaryRow {
  std::string label;
  int64_t runs = 0;
  std::map<std::string, Interval> cells;  // by column name
  CountRange trainable_params;
  CountRange optimizer_state_bytes;
  std::optional<Interval> wall_seconds;
};

// A sliced metric laid out as a grid, e.g. a long-context task's accuracy by length x depth
// for one variant, by variant x hop count, or the loss by position per variant. Cells are
// means over runs (seeds).
struct SliceGrid {
  std::string title;       // "long_context passkey_accuracy, full_ft lr=0.001: length x depth"
  std::string row_header;  // "length" or "method"
  std::vector<std::string> row_labels, column_labels;
  std::map<std::pair<std::string, std::string>, Interval> cells;  // (row, column)
  std::string variant;  // the one variant (or "base model") a length x depth grid shows; "" otherwise
  bool lower_is_better = false;  // a loss (position_ce) rather than an accuracy
};

struct SummaryTable {
  std::string sweep;
  std::vector<std::string> columns;  // unsliced evaluation columns, e.g. "task_accuracy accuracy"
  std::vector<SummaryRow> rows;      // base model first, then variants in run order
  std::vector<SliceGrid> grids;      // sliced accuracies and losses (metric@key=value,...), base and tuned
};

struct RunFilter;

// `sweep` empty: the most recent sweep. Throws UserError if there is no such sweep.
SummaryTable summarize_sweep(Store& store, const std::string& sweep);
// Only the runs the filter's methods select (every run when it lists none).
SummaryTable summarize_sweep(Store& store, const RunFilter& filter);

}  // namespace tb
