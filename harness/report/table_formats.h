// The method table (method_table.h) in every output format, all from its one field
// schema: Markdown for READMEs, CSV for spreadsheets and pandas (means and interval ends in
// separate columns), LaTeX (booktabs) for papers, HTML for the report page. Text from the
// store is escaped for each format.
#pragma once
#include <cstdint>
#include <string>

#include "harness/report/method_table.h"

namespace tb {

// A cell as text: "0.998 [0.990, 1.000]" (mean [95% interval]; the mean alone for one run),
// "853,888" or "77,824–80,000" for counts, "—" when empty.
// 853888 -> "853,888".
std::string with_thousands(int64_t v);

std::string field_text(const TableField& field, const FieldValue& value);

std::string method_table_markdown(const MethodTable& table);
std::string method_table_csv(const MethodTable& table);
std::string method_table_latex(const MethodTable& table);
std::string method_table_html(const MethodTable& table);

}  // namespace tb
