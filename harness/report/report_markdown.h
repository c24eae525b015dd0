// A sweep's report as Markdown: the method table, every metric per suite, the sliced
// grids, the spectral summary and the fitted laws (the charts are in index.html).
#pragma once
#include <string>

namespace tb {

struct Report;
struct TextTable;

std::string report_markdown(const Report& report);

// A table of ready-made text cells as Markdown (first column left-aligned, the rest right).
std::string text_table_markdown(const TextTable& table);

}  // namespace tb
