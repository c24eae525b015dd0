// Dependency-free SVG charts for the offline HTML report: line and scatter charts with
// nice-number axes (Heckbert 1990), log axes, error bars and a legend, and heatmaps on a
// viridis-like scale. Each function returns one self-contained <svg> element to inline in a
// page: no scripts, no external references, every caller string escaped (escape.h), and no
// non-finite number ever written (such points are skipped).
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace tb::svg {

// Points are (x[i], y[i]) for i < min(x.size(), y.size()). A point with a non-finite
// coordinate, or a non-positive one on a log axis, is skipped and breaks the line.
struct Series {
  std::string name;
  std::vector<double> x, y;
  std::vector<double> y_low, y_high;  // optional vertical error bars (empty = none), as long as y
  std::vector<double> x_low, x_high;  // optional horizontal error bars, as long as x
  bool line = true;                   // connect points in order
  bool markers = false;               // draw a marker, with a tooltip, at each point
  bool dashed = false;
};

struct Axis {
  std::string label;
  bool log = false;  // base-10 scale; non-positive values are skipped
};

struct XYChart {
  std::string title;
  Axis x, y;
  std::vector<Series> series;
  int width = 640, height = 400;  // at least 240 x 180; a legend widens the SVG by kLegendWidth
};

// Room added to the right of an XY chart for its legend, drawn when there are 2+ series.
constexpr int kLegendWidth = 230;

// Root class "line-chart". Each series is a <g class="series" data-name="...">; the root's
// data-series attribute counts them.
std::string line_chart(const XYChart& chart);

// Root class "scatter-chart": the same renderer with markers on for every series; lines are
// still drawn where Series::line is true.
std::string scatter_chart(const XYChart& chart);

struct Heatmap {
  std::string title, x_label, y_label;
  std::vector<std::string> x_labels, y_labels;             // categories (columns, rows)
  std::vector<std::vector<std::optional<double>>> values;  // [row][column]; nullopt = no data
  double min = 0, max = 1;  // colour scale: min dark, max bright (values clamp); max < min reverses it
  int digits = 2;                                          // decimals of the value in each cell
  int cell_width = 64, cell_height = 28;                   // pixels
};

// Root class "heatmap", data-series = number of rows. Cells are coloured by
// sequential_colour, carry their value in a contrasting text colour, and a colour bar with
// min/max labels sits on the right. Missing (nullopt or non-finite) cells are grey, struck
// through, with class "cell missing".
std::string heatmap(const Heatmap& map);

// The rectangle, in pixels from the SVG's top-left corner, onto which an XY chart maps its
// axis ranges (x grows rightwards, y upwards). The legend lies outside it.
struct PlotArea {
  double left, top, width, height;
};
PlotArea plot_area(const XYChart& chart);

// Viridis (van der Walt & Smith 2015) at t in [0, 1] (clamped), as "#rrggbb": t = 0 is
// "#440154", t = 1 is "#fde725".
std::string sequential_colour(double t);

// "Nice" tick positions covering [lo, hi] (Heckbert 1990, "Nice numbers for graph labels"):
// steps of 1, 2 or 5 x 10^k, about `target` ticks, each the double nearest its decimal value.
// A degenerate range (lo == hi) is widened around the value; empty if lo or hi is non-finite.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

// Log-axis ticks: the powers of ten within [lo, hi], widened to the enclosing powers when
// fewer than two lie inside. Empty unless 0 < lo, hi < infinity.
std::vector<double> log_ticks(double lo, double hi);

// A compact label for a linear-axis tick `value` on an axis with tick spacing `step`: as many
// decimals as the step needs, trailing zeros dropped ("0.3", "2.5", "1"), and a short
// exponent outside [1e-4, 1e6) ("1e-5", "2.5e6").
std::string tick_label(double value, double step);


}  // namespace tb::svg
