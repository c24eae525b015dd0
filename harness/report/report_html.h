// A sweep's report as one self-contained HTML page: inline CSS and SVG charts, no scripts,
// no network; links only to its own sections and to the sibling files of the report folder.
#pragma once
#include <string>

namespace tb {

struct Report;

std::string report_html(const Report& report);

}  // namespace tb
