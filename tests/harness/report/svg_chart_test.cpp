#include "harness/report/svg_chart.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <regex>
#include <set>

namespace tb::svg {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size()))
    ++n;
  return n;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

struct Point {
  double x, y;
};

// Centres of the data markers (legend markers have another class), in drawing order.
std::vector<Point> markers(const std::string& svg) {
  static const std::regex kCircle(R"re(<circle class="point" cx="([-0-9.]+)" cy="([-0-9.]+)")re");
  std::vector<Point> out;
  for (std::sregex_iterator it(svg.begin(), svg.end(), kCircle), end; it != end; ++it)
    out.push_back({std::stod((*it)[1]), std::stod((*it)[2])});
  return out;
}

std::string attribute(const std::string& svg, const std::string& name) {
  const std::regex pattern("<svg [^>]*" + name + "=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(svg, m, pattern) ? m[1].str() : "";
}

Series series(const std::string& name, std::vector<double> x, std::vector<double> y) {
  Series s;
  s.name = name;
  s.x = std::move(x);
  s.y = std::move(y);
  return s;
}

XYChart chart_of(std::vector<Series> list) {
  XYChart c;
  c.title = "chart";
  c.x.label = "x";
  c.y.label = "y";
  c.series = std::move(list);
  return c;
}

void expect_ticks(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_DOUBLE_EQ(got[i], want[i]) << "tick " << i;
}

void expect_well_formed(const std::string& svg) {
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart ", 0), 0u);
  EXPECT_EQ(count(svg, "<svg"), 1u);
  EXPECT_EQ(count(svg, "</svg>"), 1u);
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
  EXPECT_EQ(count(svg, "<g"), count(svg, "</g>"));
  EXPECT_EQ(count(svg, "<text"), count(svg, "</text>"));
  const std::string text = lower(svg);
  EXPECT_EQ(text.find("nan"), std::string::npos);
  EXPECT_EQ(text.find("inf"), std::string::npos);
  EXPECT_EQ(text.find("href"), std::string::npos) << "the page is offline: no references";
  EXPECT_EQ(text.find("<script"), std::string::npos);
}

TEST(NiceTicks, UnitIntervalInFifths) {
  expect_ticks(nice_ticks(0, 1), {0, 0.2, 0.4, 0.6, 0.8, 1});
}

TEST(NiceTicks, RoundsOutToNiceBounds) {
  expect_ticks(nice_ticks(0, 97), {0, 20, 40, 60, 80, 100});
  expect_ticks(nice_ticks(0.013, 0.048), {0.01, 0.02, 0.03, 0.04, 0.05});
}

TEST(NiceTicks, NegativeAndReversedRanges) {
  expect_ticks(nice_ticks(-97, -3), {-100, -80, -60, -40, -20, 0});
  expect_ticks(nice_ticks(-1, 1), {-1, -0.5, 0, 0.5, 1});
  expect_ticks(nice_ticks(1, -1), {-1, -0.5, 0, 0.5, 1});
}

TEST(NiceTicks, DegenerateRangeStillSpansTheValue) {
  for (double v : {0.0, 3.0, -250.0, 1e-7}) {
    const std::vector<double> t = nice_ticks(v, v);
    ASSERT_GE(t.size(), 2u) << v;
    EXPECT_LT(t.front(), v) << v;
    EXPECT_GT(t.back(), v) << v;
    EXPECT_TRUE(std::is_sorted(t.begin(), t.end()));
  }
  EXPECT_TRUE(nice_ticks(0, kNaN).empty());
  EXPECT_TRUE(nice_ticks(-kInf, 1).empty());
}

TEST(NiceTicks, StepsAreOneTwoOrFiveTimesAPowerOfTen) {
  for (double lo : {-1234.5, -0.37, 0.0, 0.002, 17.0}) {
    for (double span : {1e-3, 0.9, 7.0, 450.0, 3e6}) {
      const std::vector<double> t = nice_ticks(lo, lo + span);
      ASSERT_GE(t.size(), 3u);
      EXPECT_LE(t.size(), 9u);
      EXPECT_LE(t.front(), lo);
      EXPECT_GE(t.back(), lo + span);
      const double step = t[1] - t[0];
      const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
      EXPECT_TRUE(std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 ||
                  std::abs(mantissa - 5) < 1e-6)
          << "step " << step << " for [" << lo << ", " << lo + span << "]";
    }
  }
}

TEST(LogTicks, PowersOfTenInside) {
  expect_ticks(log_ticks(1, 1000), {1, 10, 100, 1000});
  expect_ticks(log_ticks(0.003, 0.5), {0.01, 0.1});
  expect_ticks(log_ticks(3e-6, 2e-4), {1e-5, 1e-4});
}

TEST(LogTicks, WidensToEnclosingPowersWhenFewerThanTwoInside) {
  expect_ticks(log_ticks(2, 8), {1, 10});
  expect_ticks(log_ticks(5, 50), {1, 10, 100});
  const std::vector<double> exact = log_ticks(10, 10);
  ASSERT_GE(exact.size(), 2u);
  EXPECT_LT(exact.front(), 10);
  EXPECT_GT(exact.back(), 10);
  EXPECT_TRUE(log_ticks(0, 10).empty());
  EXPECT_TRUE(log_ticks(-5, 10).empty());
}

TEST(TickLabel, CompactAndFreeOfRoundingNoise) {
  EXPECT_EQ(tick_label(0.1 + 0.2, 0.1), "0.3");
  EXPECT_EQ(tick_label(2.5, 0.5), "2.5");
  EXPECT_EQ(tick_label(1, 0.5), "1");
  EXPECT_EQ(tick_label(20, 20), "20");
  EXPECT_EQ(tick_label(-0.25, 0.05), "-0.25");
  EXPECT_EQ(tick_label(5.551115123125783e-17, 0.1), "0");
  EXPECT_EQ(tick_label(1e-5, 1e-5), "1e-5");
  EXPECT_EQ(tick_label(1.5e-5, 5e-6), "1.5e-5");
  EXPECT_EQ(tick_label(2500000, 500000), "2.5e6");
}


TEST(LineChart, RootElementClassTitleAndSeriesCount) {
  XYChart c = chart_of(
      {series("a", {0, 1}, {0, 1}), series("b", {0, 1}, {1, 0}), series("c", {0, 1}, {2, 3})});
  c.title = "Loss & accuracy";
  const std::string svg = line_chart(c);
  expect_well_formed(svg);
  EXPECT_NE(svg.find("class=\"chart line-chart\""), std::string::npos);
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
  EXPECT_NE(svg.find("viewBox=\"0 0 "), std::string::npos);
  EXPECT_EQ(svg.find("<title>Loss &amp; accuracy</title>"), svg.find('>') + 1)
      << "the <title> must be the root's first child";
  EXPECT_EQ(attribute(svg, "data-series"), "3");
  EXPECT_EQ(count(svg, "<g class=\"series\""), 3u);
  EXPECT_EQ(markers(svg).size(), 0u) << "line charts draw markers only on request";
}

TEST(LineChart, HostileNamesAreEscapedEverywhere) {
  const std::string hostile = "<script>&\"'";
  XYChart c = chart_of({series(hostile, {0, 1}, {0, 1}), series("b", {0, 1}, {1, 0})});
  c.title = c.x.label = c.y.label = hostile;
  c.series[0].markers = true;
  const std::string svg = line_chart(c);
  expect_well_formed(svg);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_NE(svg.find("data-name=\"&lt;script&gt;&amp;&quot;&#39;\""), std::string::npos);
  EXPECT_GE(count(svg, "&lt;script&gt;&amp;&quot;&#39;"), 5u)
      << "title, both axis labels, series group, legend, marker tooltips";
}

TEST(LineChart, MarkerSitsWhereTheAxisMappingPutsIt) {
  // Symmetric data: the middle point (5, 5) must land at the centre of the plot area, the
  // ends inside it (padded), and larger y higher up (smaller SVG y).
  XYChart c = chart_of({series("s", {0, 5, 10}, {0, 5, 10})});
  c.series[0].markers = true;
  const PlotArea a = plot_area(c);
  const std::vector<Point> p = markers(line_chart(c));
  ASSERT_EQ(p.size(), 3u);
  EXPECT_NEAR(p[1].x, a.left + a.width / 2, 0.01);
  EXPECT_NEAR(p[1].y, a.top + a.height / 2, 0.01);
  EXPECT_GT(p[0].x, a.left);
  EXPECT_LT(p[2].x, a.left + a.width);
  EXPECT_LT(p[0].y, a.top + a.height);
  EXPECT_GT(p[2].y, a.top);
  EXPECT_LT(p[2].y, p[1].y);
  // Linear: equal data steps give equal pixel steps.
  EXPECT_NEAR(p[1].x - p[0].x, p[2].x - p[1].x, 0.02);
  EXPECT_NEAR(p[1].y - p[0].y, p[2].y - p[1].y, 0.02);
}

TEST(LineChart, LogAxisMapsDecadesEvenly) {
  XYChart c = chart_of({series("s", {1, 10, 100}, {1, 2, 3})});
  c.x.log = true;
  c.series[0].markers = true;
  const PlotArea a = plot_area(c);
  const std::string svg = line_chart(c);
  const std::vector<Point> p = markers(svg);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_NEAR(p[1].x, a.left + a.width / 2, 0.01) << "10 is halfway between 1 and 100 in log";
  EXPECT_NEAR(p[1].x - p[0].x, p[2].x - p[1].x, 0.02);
  EXPECT_NE(svg.find(">100</text>"), std::string::npos);
}

TEST(LineChart, WideLogAxisLabelsPowersAndThinsThem) {
  XYChart c = chart_of({series("s", {1e-10, 1, 1e10}, {1, 2, 3})});
  c.x.log = true;
  const std::string svg = line_chart(c);
  expect_well_formed(svg);
  EXPECT_NE(svg.find(">10⁻⁹</text>"), std::string::npos);
  EXPECT_NE(svg.find(">10⁰</text>"), std::string::npos) << "thinned labels keep 10^0";
  EXPECT_NE(svg.find(">10⁹</text>"), std::string::npos);
  const size_t axis = svg.find("class=\"axis x-axis\"");
  const std::string x_axis = svg.substr(axis, svg.find("</g>", axis) - axis);
  EXPECT_EQ(count(x_axis, "stroke=\"#444\"/>"), 21u + 1) << "a tick mark per decade, axis line";
  EXPECT_EQ(count(x_axis, ">10"), 7u) << "labels every third decade: -9, -6, ..., 9";
}

TEST(LineChart, PaletteCyclesBySeriesIndex) {
  std::vector<Series> list;
  for (int i = 0; i < 9; ++i) list.push_back(series("s" + std::to_string(i), {0, 1}, {0, 1.0 * i}));
  const std::string svg = line_chart(chart_of(list));
  static const std::regex kStroke(R"re(<path d="M[^"]*" fill="none" stroke="(#[0-9A-Fa-f]{6})")re");
  std::vector<std::string> colours;
  const size_t legend = svg.find("class=\"legend\"");
  const std::string plot = svg.substr(0, legend);
  for (std::sregex_iterator it(plot.begin(), plot.end(), kStroke), end; it != end; ++it)
    colours.push_back((*it)[1]);
  ASSERT_EQ(colours.size(), 9u);
  EXPECT_EQ(colours[8], colours[0]);
  std::sort(colours.begin(), colours.end() - 1);
  EXPECT_EQ(std::unique(colours.begin(), colours.end() - 1), colours.end() - 1)
      << "the first eight series get distinct colours";
}

TEST(LineChart, LogAxisSkipsNonPositiveValues) {
  XYChart c = chart_of({series("s", {-1, 0, 1, 10}, {5, 6, 7, 8})});
  c.x.log = true;
  c.series[0].markers = true;
  const std::string svg = line_chart(c);
  expect_well_formed(svg);
  EXPECT_EQ(markers(svg).size(), 2u);
}

TEST(LineChart, NonFinitePointsAreSkippedNeverWritten) {
  XYChart c = chart_of({series("s", {0, 1, 2, kNaN, 4, 5}, {0, kInf, 2, 3, -kInf, 5})});
  c.series[0].markers = true;
  c.series[0].y_low = {kNaN, 0, 1, 2, 3, 4};
  c.series[0].y_high = {kInf, 2, 3, 4, 5, 6};
  const std::string svg = line_chart(c);
  expect_well_formed(svg);
  EXPECT_EQ(markers(svg).size(), 3u) << "points 0, 2 and 5 are finite";
  EXPECT_EQ(count(svg, "class=\"error-bar\""), 2u) << "point 0's bar has non-finite ends";
  EXPECT_NE(svg.find("<path d=\"M", svg.find("class=\"series\"")), std::string::npos);
}

TEST(LineChart, HugeValuesCannotOverflowTheAxis) {
  XYChart c = chart_of({series("s", {-1e308, 0, 1e308}, {1, 2, 3})});
  c.series[0].markers = true;
  const std::string svg = line_chart(c);
  expect_well_formed(svg);
  EXPECT_EQ(markers(svg).size(), 1u) << "only x = 0 is drawable";
}

TEST(LineChart, NoFiniteDataStillDrawsAxesAndSaysSo) {
  for (const XYChart& c : {chart_of({series("s", {kNaN, kInf}, {1, 2})}), chart_of({})}) {
    const std::string svg = line_chart(c);
    expect_well_formed(svg);
    EXPECT_NE(svg.find("class=\"no-data\""), std::string::npos);
    EXPECT_NE(svg.find("class=\"axis x-axis\""), std::string::npos);
    EXPECT_NE(svg.find(">0.6</text>"), std::string::npos) << "a default 0..1 axis";
    EXPECT_EQ(attribute(svg, "data-series"), std::to_string(c.series.size()));
  }
}

TEST(LineChart, DegenerateRangeStillGivesACentredPoint) {
  XYChart c = chart_of({series("s", {3, 3}, {0.3, 0.3})});
  c.series[0].markers = true;
  const PlotArea a = plot_area(c);
  const std::string svg = line_chart(c);
  expect_well_formed(svg);
  const std::vector<Point> p = markers(svg);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NEAR(p[0].x, a.left + a.width / 2, 0.01);
  EXPECT_NEAR(p[0].y, a.top + a.height / 2, 0.01);
  EXPECT_GE(count(svg, "text-anchor=\"end\" dy=\"0.32em\">0.3"), 1u) << "a y tick at 0.3";
}

// Error bars widen an axis by at most the points' own span: a bar far wider than the spread
// of the points runs to the plot's edge (without its end cap) instead of squeezing them.
TEST(LineChart, ErrorBarEndsWidenTheAxisByAtMostThePointsSpan) {
  XYChart c = chart_of({series("s", {0, 1}, {0, 1})});
  c.series[0].y_low = {-0.1, 0.9};
  c.series[0].y_high = {0.1, 1.5};
  std::string svg = line_chart(c);
  EXPECT_NE(svg.find(">1.5</text>"), std::string::npos) << "the y axis reaches the bar's top";
  EXPECT_EQ(count(svg, "class=\"error-bar\""), 2u);
  c.series[0].y_high = {0.1, 10};
  svg = line_chart(c);
  EXPECT_EQ(svg.find(">10</text>"), std::string::npos) << "a bar 10 times the points' span does not set the axis";
  EXPECT_EQ(count(svg, "class=\"error-bar\""), 2u);
  std::multiset<size_t> caps;  // horizontal end caps of each vertical bar
  const std::regex bar("class=\"error-bar\" d=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), bar); it != std::sregex_iterator(); ++it)
    caps.insert(count((*it)[1], "H"));
  EXPECT_EQ(caps, (std::multiset<size_t>{1, 2})) << "the end cut at the plot's edge has no cap";
}

TEST(LineChart, LegendOnlyForSeveralSeriesAndOutsideThePlot) {
  const XYChart one = chart_of({series("a", {0, 1}, {0, 1})});
  EXPECT_EQ(line_chart(one).find("legend"), std::string::npos);
  EXPECT_EQ(attribute(line_chart(one), "width"), "640");

  const std::string long_name = "lora rank=8 alpha=16 dropout=0.05 targets=q,k,v,o";
  XYChart two = chart_of({series("a", {0, 1}, {0, 1}), series(long_name, {0, 1}, {1, 0})});
  const std::string svg = line_chart(two);
  expect_well_formed(svg);
  EXPECT_EQ(count(svg, "class=\"legend-entry\""), 2u);
  EXPECT_EQ(attribute(svg, "width"), std::to_string(640 + kLegendWidth));
  EXPECT_NE(svg.find("<title>" + long_name + "</title>"), std::string::npos);
  EXPECT_NE(svg.find(">" + long_name.substr(0, 29) + "…</text>"), std::string::npos);
  const PlotArea a = plot_area(two);
  const std::regex legend_x(R"re(class="legend-entry"><title>[^<]*</title><path d="M([0-9.]+))re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, legend_x));
  EXPECT_GT(std::stod(m[1]), a.left + a.width) << "the legend must not cover the plot";
}

TEST(LineChart, SkippedPointBreaksTheLine) {
  const std::string svg = line_chart(chart_of({series("s", {0, 1, 2, 3, 4}, {0, 1, kNaN, 3, 4})}));
  const size_t path = svg.find("<path d=\"M", svg.find("class=\"series\""));
  ASSERT_NE(path, std::string::npos);
  const std::string d = svg.substr(path, svg.find('"', path + 9) - path);
  EXPECT_EQ(count(d, "M"), 2u) << d;
  EXPECT_EQ(count(d, "L"), 2u) << d;
}

TEST(ScatterChart, MarkersAlwaysLinesOnlyWhereAsked) {
  XYChart c =
      chart_of({series("with line", {0, 1, 2}, {0, 1, 2}), series("points", {0, 1, 2}, {2, 1, 0})});
  c.series[1].line = false;
  const std::string svg = scatter_chart(c);
  expect_well_formed(svg);
  EXPECT_NE(svg.find("class=\"chart scatter-chart\""), std::string::npos);
  EXPECT_EQ(attribute(svg, "data-series"), "2");
  const std::vector<Point> p = markers(svg);
  ASSERT_EQ(p.size(), 6u);
  EXPECT_NE(svg.find("<title>points: x = 1, y = 1</title>"), std::string::npos);
  const size_t second = svg.find("data-name=\"points\"");
  const std::string group = svg.substr(second, svg.find("</g>", second) - second);
  EXPECT_EQ(group.find("<path d="), std::string::npos) << "line = false: no connecting path";
  const size_t first = svg.find("data-name=\"with line\"");
  EXPECT_NE(svg.substr(first, second - first).find("<path d="), std::string::npos);
}

Heatmap sample_heatmap() {
  Heatmap h;
  h.title = "accuracy";
  h.x_label = "task";
  h.y_label = "method";
  h.x_labels = {"arc", "<gsm8k>"};
  h.y_labels = {"lora", "full", "ia3"};
  h.values = {{1.0, 0.5}, {std::nullopt, 0.0}, {kNaN, 0.25}};
  return h;
}

TEST(Heatmap, CellsColouredOnTheScaleMissingCellsMarked) {
  const std::string svg = heatmap(sample_heatmap());
  expect_well_formed(svg);
  EXPECT_NE(svg.find("class=\"chart heatmap\""), std::string::npos);
  EXPECT_EQ(attribute(svg, "data-series"), "3");
  EXPECT_EQ(count(svg, "<rect class=\"cell\""), 4u);
  EXPECT_EQ(count(svg, "<rect class=\"cell missing\""), 2u) << "nullopt and NaN";
  EXPECT_NE(svg.find("fill=\"#fde725\"><title>lora, arc: 1</title>"), std::string::npos)
      << "the max value gets the top colour of the scale";
  EXPECT_NE(svg.find("fill=\"#440154\"><title>full, &lt;gsm8k&gt;: 0</title>"), std::string::npos);
  EXPECT_EQ(svg.find("<gsm8k>"), std::string::npos);
  EXPECT_NE(svg.find(">0.50</text>"), std::string::npos) << "digits = 2";
  EXPECT_NE(svg.find("fill=\"#000\">1.00</text>"), std::string::npos) << "dark text on yellow";
  EXPECT_NE(svg.find("fill=\"#fff\">0.00</text>"), std::string::npos) << "light text on purple";
  EXPECT_NE(svg.find("class=\"colour-bar\""), std::string::npos);
}

TEST(Heatmap, MaxBelowMinReversesTheScale) {
  Heatmap h = sample_heatmap();  // a loss: 0 best
  h.min = 1;
  h.max = 0;
  const std::string svg = heatmap(h);
  EXPECT_NE(svg.find("fill=\"#fde725\"><title>full, &lt;gsm8k&gt;: 0</title>"), std::string::npos)
      << "the lowest value gets the top colour";
  EXPECT_NE(svg.find("fill=\"#440154\"><title>lora, arc: 1</title>"), std::string::npos);
  EXPECT_NE(svg.find(">1.00</text>"), std::string::npos);
}

TEST(Heatmap, ValuesClampToTheScaleAndEmptyMapSaysNoData) {
  Heatmap h = sample_heatmap();
  h.values[0][0] = 7.0;
  h.digits = 0;
  const std::string svg = heatmap(h);
  EXPECT_NE(svg.find("fill=\"#fde725\"><title>lora, arc: 7</title>"), std::string::npos);
  EXPECT_NE(svg.find(">7</text>"), std::string::npos);

  Heatmap empty;
  empty.title = "nothing";
  const std::string none = heatmap(empty);
  expect_well_formed(none);
  EXPECT_NE(none.find("class=\"no-data\""), std::string::npos);
  EXPECT_EQ(attribute(none, "data-series"), "0");
}

TEST(SequentialColour, EndsOfTheScale) {
  EXPECT_EQ(sequential_colour(0), "#440154");
  EXPECT_EQ(sequential_colour(1), "#fde725");
  EXPECT_EQ(sequential_colour(-3), "#440154");
  EXPECT_EQ(sequential_colour(kNaN), "#440154");
  EXPECT_EQ(sequential_colour(0.5), "#21908d");
}

}  // namespace
}  // namespace tb::svg
