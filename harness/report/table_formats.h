// The method table (method_table.h) in every output format, all from its one field
// schema: Markdown for READMEs, CSV for spreadsheets and pandas (means and interval ends in
// separate columns), LaTeX (booktabs) for papers, HTML for the report page. Text from the
// store is escaped for each format.
#pragma once
#include <cstdint>
#include <string>

#include "harness/report/method_table.h"

namespace tb {

// 853888 -> "853,888".
std::string with_thousands(int64_t v);

// An interval as every table prints it: "0.998 [0.990, 1.000]" over seeds; with fewer than 3
// seeds the seeds' values and the conditional interval marked †, "0.515 (0.500, 0.530)
// [0.489, 0.541]†"; the value (and the seeds' values) alone when there is no interval.
std::string interval_text(const Interval& interval, int digits);

// A cell as text: interval_text for estimates, "853,888" or "77,824–80,000" for counts, "—"
// when empty.
std::string field_text(const TableField& field, const FieldValue& value);

std::string method_table_markdown(const MethodTable& table);
std::string method_table_csv(const MethodTable& table);
std::string method_table_latex(const MethodTable& table);
std::string method_table_html(const MethodTable& table);

}  // namespace tb
