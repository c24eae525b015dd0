// A sweep's report as Markdown: the method table, every metric per suite, the sliced
// grids, the spectral summary and the fitted laws (the charts are in index.html).
#pragma once
#include <string>

namespace tb {

struct Report;

std::string report_markdown(const Report& report);

}  // namespace tb
