// One chart of a report: an inline SVG (svg_chart.h) with its anchor, title and caption.
#pragma once
#include <string>

namespace tb {

struct Chart {
  std::string id;       // HTML anchor, e.g. "pareto"
  std::string title;
  std::string caption;  // how to read it
  std::string svg;
};

}  // namespace tb
