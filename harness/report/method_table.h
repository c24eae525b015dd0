// The report's method table: one row per method variant (the base model first), one
// column per field of a single schema that every output format renders (Markdown, CSV,
// LaTeX, HTML; table_formats.h). Scores are means over the variant's runs (seeds) with the
// interval of intervals.h (over seeds at 3 or more, else conditional on the runs); costs
// are per run.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/analysis/intervals.h"

namespace tb {

class Store;
struct RunFilter;

enum class FieldKind {
  kText,      // the method label
  kCount,     // a whole number, e.g. runs; min–max when runs differ
  kEstimate,  // mean with a 95% interval (intervals.h)
};

struct TableField {
  std::string id;           // CSV column stem, e.g. "target_accuracy"
  std::string header;       // "target accuracy"
  std::string description;  // what it measures and from which stored metric
  FieldKind kind = FieldKind::kEstimate;
  int digits = 3;           // decimals shown in text formats
  double scale = 1;         // shown value = stored value × scale (bytes -> MiB)
  bool headline = false;    // in the HTML page's main table (the rest fold away)
};

struct FieldValue {
  std::string text;                      // kText
  std::optional<int64_t> min, max;       // kCount
  std::optional<Interval> estimate;      // kEstimate
  bool empty() const { return text.empty() && !min && !estimate; }
};

struct MethodTable {
  std::string sweep;
  std::vector<TableField> fields;
  std::vector<std::vector<FieldValue>> rows;  // rows[r][f] for fields[f]
};

// The schema in column order; fields without a value in any row are dropped by
// method_table().
std::vector<TableField> method_table_schema();

// UserError when the filter's sweep has no finished runs.
MethodTable method_table(Store& store, const RunFilter& filter);

// The position of the field `id` in the table's fields; nullopt when the table lacks it.
std::optional<size_t> field_index(const MethodTable& t, const std::string& id);

// The value a field shows (estimate mean × scale, etc.), for charts that plot table values.
std::optional<Interval> scaled(const TableField& field, const FieldValue& value);

}  // namespace tb
