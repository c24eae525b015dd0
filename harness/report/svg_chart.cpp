// SVG charts for the offline HTML report (see svg_chart.h). Tick steps follow Heckbert,
// "Nice numbers for graph labels", Graphics Gems (1990): step = nicenum(span / (target - 1))
// rounded to 1, 2 or 5 x 10^k. Series colours are the Okabe & Ito (2008) palette, which stays
// distinguishable under the common colour-vision deficiencies; heatmaps interpolate viridis
// (van der Walt & Smith 2015), perceptually uniform and legible in greyscale.
#include "harness/report/svg_chart.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

#include "harness/report/escape.h"

namespace tb::svg {
namespace {

// Yellow last: it is the hardest to see on white.
constexpr std::array<const char*, 8> kPalette = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                 "#E69F00", "#56B4E9", "#000000", "#F0E442"};
constexpr double kMarginLeft = 72, kMarginRight = 24, kMarginTop = 40, kMarginBottom = 52;
constexpr int kMinWidth = 240, kMinHeight = 180;
constexpr double kPad = 0.04;       // share of the data span left empty at each end of an axis
constexpr double kCharWidth = 6.5;  // rough width of an 11px sans-serif character, for layout
constexpr size_t kLegendChars = 30, kLabelChars = 24;  // longer names are cut with "…"
constexpr double kLegendRow = 18;
constexpr int kMaxTickLabels = 10;  // more ticks than this (many decades): label every k-th
const std::string kInk = "#444", kGrid = "#e6e6e6";

// printf with trailing zeros dropped and a short exponent: "2.50" -> "2.5", "1e-05" -> "1e-5".
std::string compact(double v, const char* format, int precision) {
  if (!std::isfinite(v)) return "0";  // not reached: non-finite data are skipped before this
  char buf[64];
  std::snprintf(buf, sizeof buf, format, precision, v);
  const std::string s = buf;
  const size_t e = s.find('e');
  std::string mantissa = s.substr(0, e);
  if (mantissa.find('.') != std::string::npos) {
    mantissa.erase(mantissa.find_last_not_of('0') + 1);
    if (mantissa.back() == '.') mantissa.pop_back();
  }
  if (mantissa == "-0") mantissa = "0";
  if (e == std::string::npos) return mantissa;
  const std::string exponent = s.substr(e + 1);
  const size_t digits = exponent.find_first_not_of("+-0");
  if (digits == std::string::npos) return mantissa;
  return mantissa + "e" + (exponent[0] == '-' ? "-" : "") + exponent.substr(digits);
}

std::string px(double v) { return compact(v, "%.*f", 2); }
std::string value_text(double v) { return compact(v, "%.*g", 6); }

size_t code_points(const std::string& s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; });
}

// `text` cut to `limit` characters (UTF-8 code points, never split), "…" marking the cut.
std::string truncated(const std::string& text, size_t limit) {
  if (code_points(text) <= limit) return text;
  size_t seen = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((text[i] & 0xC0) != 0x80 && seen++ == limit - 1) break;
  }
  return text.substr(0, i) + "…";
}

std::string text_at(double x, double y, const std::string& attributes, const std::string& body) {
  return "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\" " + attributes + ">" + body + "</text>";
}

// A caller's label, escaped, cut to `limit` characters with the full text as a tooltip when cut.
std::string label_at(double x, double y, const std::string& attributes, const std::string& raw,
                     size_t limit = kLabelChars) {
  if (raw.empty()) return "";
  const std::string shown = truncated(raw, limit);
  const std::string tip = shown == raw ? "" : "<title>" + html_escape(raw) + "</title>";
  return text_at(x, y, attributes, tip + html_escape(shown));
}

std::string line_at(double x1, double y1, double x2, double y2, const std::string& stroke) {
  return "<line x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" + px(y2) +
         "\" stroke=\"" + stroke + "\"/>";
}

std::string open_svg(const std::string& kind, double width, double height, size_t series,
                     const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart " + kind + "\" width=\"" +
         px(width) + "\" height=\"" + px(height) + "\" viewBox=\"0 0 " + px(width) + " " +
         px(height) + "\" role=\"img\" data-series=\"" + std::to_string(series) +
         "\" font-family=\"sans-serif\" font-size=\"11\"><title>" + html_escape(title) +
         "</title><rect class=\"background\" width=\"100%\" height=\"100%\" fill=\"#fff\"/>";
}

// Characters of 14px bold text that fit in `width` pixels.
size_t title_chars(double width) { return size_t(std::max(width / 8.5, 8.0)); }

std::string heading(double centre, double width, const std::string& title) {
  return label_at(centre, 24,
                  "class=\"title\" text-anchor=\"middle\" font-size=\"14\" "
                  "font-weight=\"bold\"",
                  title, title_chars(width));
}

std::string no_data(double x, double y) {
  return text_at(x, y, "class=\"no-data\" text-anchor=\"middle\" font-size=\"14\" fill=\"#888\"",
                 "no data");
}

std::string superscript(int k) {
  static const char* const kDigits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  std::string out = k < 0 ? "⁻" : "";
  for (char c : std::to_string(std::abs(k))) out += kDigits[c - '0'];
  return out;
}

// The smallest and largest value added; empty until the first.
struct Extent {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) { lo = std::min(lo, v), hi = std::max(hi, v); }
  bool empty() const { return lo > hi; }
};

// Beyond ±1e300 the span of an axis could overflow to infinity: such values count as non-finite.
bool drawable(double v, bool log) { return std::abs(v) <= 1e300 && (!log || v > 0); }

// A data axis mapped onto a pixel interval; a log axis maps log10(v).
struct Scale {
  bool log = false;
  double lo = 0, hi = 1;        // domain, in log10 units on a log axis
  double px_lo = 0, px_hi = 1;  // pixels of lo and hi
  std::vector<double> ticks;    // data values
  double step = 1;              // linear tick spacing, for the labels
  bool drawable(double v) const { return svg::drawable(v, log); }
  double unit(double v) const { return log ? std::log10(v) : v; }
  double operator()(double v) const { return px_lo + (unit(v) - lo) / (hi - lo) * (px_hi - px_lo); }
  std::string label(double tick, bool powers) const {
    if (!log) return tick_label(tick, step);
    return powers ? "10" + superscript(int(std::lround(std::log10(tick)))) : tick_label(tick, tick);
  }
};

// The domain is the data range padded by kPad; the ticks are the nice ones inside it (a finer
// step when fewer than four fit), unless fewer than two fit at all (a narrow or degenerate
// range), when the domain widens to take them all.
Scale make_scale(Extent data, bool log, double px_lo, double px_hi) {
  Scale s;
  s.log = log, s.px_lo = px_lo, s.px_hi = px_hi;
  if (data.empty()) data = log ? Extent{1, 10} : Extent{0, 1};
  const double pad = kPad * (s.unit(data.hi) - s.unit(data.lo));
  s.lo = s.unit(data.lo) - pad, s.hi = s.unit(data.hi) + pad;
  std::vector<double> all;
  for (int target : {5, 9}) {
    all = log ? log_ticks(data.lo, data.hi) : nice_ticks(data.lo, data.hi, target);
    s.ticks.clear();
    for (double t : all) {
      if (s.unit(t) >= s.lo && s.unit(t) <= s.hi) s.ticks.push_back(t);
    }
    if (log || s.ticks.size() >= 4) break;
  }
  if (all.size() > 1) s.step = all[1] - all[0];
  if (s.ticks.size() < 2) {
    s.lo = std::min(s.lo, s.unit(all.front())), s.hi = std::max(s.hi, s.unit(all.back()));
    s.ticks = all;
  }
  return s;
}

// Grid lines, tick marks, tick labels, axis line and axis label of one axis.
std::string axis_svg(const Scale& s, const PlotArea& a, const std::string& label, bool vertical) {
  const double bottom = a.top + a.height, right = a.left + a.width;
  const bool powers =
      std::any_of(s.ticks.begin(), s.ticks.end(), [](double t) { return t < 1e-3 || t > 1e4; });
  const int stride = (int(s.ticks.size()) + kMaxTickLabels - 1) / kMaxTickLabels;
  std::string out = vertical ? "<g class=\"axis y-axis\">" : "<g class=\"axis x-axis\">";
  for (size_t i = 0; i < s.ticks.size(); ++i) {
    const double p = s(s.ticks[i]);
    const std::string text = s.label(s.ticks[i], s.log && powers);
    // Thinned labels sit on multiples of stride steps, so 0 (or 10^0) keeps its label.
    const bool labelled = std::llround(s.unit(s.ticks[i]) / (s.log ? 1 : s.step)) % stride == 0;
    if (vertical) {
      out += line_at(a.left, p, right, p, kGrid) + line_at(a.left - 5, p, a.left, p, kInk);
      if (labelled) out += text_at(a.left - 8, p, "text-anchor=\"end\" dy=\"0.32em\"", text);
    } else {
      out += line_at(p, a.top, p, bottom, kGrid) + line_at(p, bottom, p, bottom + 5, kInk);
      if (labelled) out += text_at(p, bottom + 18, "text-anchor=\"middle\"", text);
    }
  }
  if (vertical) {
    const double mid = a.top + a.height / 2;
    out += line_at(a.left, a.top, a.left, bottom, kInk);
    out += label_at(
        18, mid,
        "text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 18 " + px(mid) + ")\"",
        label, title_chars(a.height));
  } else {
    out += line_at(a.left, bottom, right, bottom, kInk);
    out += label_at(a.left + a.width / 2, bottom + 40, "text-anchor=\"middle\" font-size=\"12\"",
                    label, title_chars(a.width));
  }
  return out + "</g>";
}

// The error bar of point i along one axis. An end beyond the plot is drawn to the plot's
// edge without its cap, so the axis can follow the points rather than a wide interval.
std::string error_bar(const std::vector<double>& low, const std::vector<double>& high, size_t i,
                      const Scale& s, double across, bool vertical, const std::string& colour) {
  if (i >= low.size() || i >= high.size() || !s.drawable(low[i]) || !s.drawable(high[i])) return "";
  const double edge_lo = std::min(s.px_lo, s.px_hi), edge_hi = std::max(s.px_lo, s.px_hi);
  const double pa = s(low[i]), pb = s(high[i]);
  const double ca = std::clamp(pa, edge_lo, edge_hi), cb = std::clamp(pb, edge_lo, edge_hi);
  const std::string a = px(ca), b = px(cb);
  const std::string c = px(across), c0 = px(across - 3), c1 = px(across + 3);
  std::string d = vertical ? "M" + c + " " + a + "V" + b : "M" + a + " " + c + "H" + b;
  for (const auto& [end, clamped] : {std::pair{a, ca != pa}, std::pair{b, cb != pb}}) {
    if (clamped) continue;
    d += vertical ? "M" + c0 + " " + end + "H" + c1 : "M" + end + " " + c0 + "V" + c1;
  }
  return "<path class=\"error-bar\" d=\"" + d + "\" fill=\"none\" stroke=\"" + colour +
         "\" stroke-width=\"1.2\"/>";
}

std::string marker(const std::string& kind, double x, double y, const std::string& colour,
                   const std::string& tip) {
  return "<circle class=\"" + kind + "\" cx=\"" + px(x) + "\" cy=\"" + px(y) +
         "\" r=\"3.5\" fill=\"" + colour + "\" stroke=\"#fff\" stroke-width=\"0.8\">" + tip +
         "</circle>";
}

std::string stroke_style(const std::string& colour, bool dashed) {
  return "fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\" stroke-linejoin=\"round\"" +
         (dashed ? " stroke-dasharray=\"6 4\"" : "");
}

std::string series_svg(const Series& s, size_t index, const Scale& x, const Scale& y,
                       bool markers) {
  const std::string colour = kPalette[index % kPalette.size()], name = html_escape(s.name);
  std::string bars, path, points;
  bool pen_down = false;  // a skipped point lifts the pen: the line is not drawn across it
  for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
    if (!x.drawable(s.x[i]) || !y.drawable(s.y[i])) {
      pen_down = false;
      continue;
    }
    const double px_x = x(s.x[i]), px_y = y(s.y[i]);
    bars += error_bar(s.y_low, s.y_high, i, y, px_x, true, colour);
    bars += error_bar(s.x_low, s.x_high, i, x, px_y, false, colour);
    path += (pen_down ? "L" : "M") + px(px_x) + " " + px(px_y);
    pen_down = true;
    if (markers) {
      const std::string tip = name + ": x = " + value_text(s.x[i]) + ", y = " + value_text(s.y[i]);
      points += marker("point", px_x, px_y, colour, "<title>" + tip + "</title>");
    }
  }
  std::string out = "<g class=\"series\" data-name=\"" + name + "\">" + bars;
  if (s.line && !path.empty())
    out += "<path d=\"" + path + "\" " + stroke_style(colour, s.dashed) + "/>";
  return out + points + "</g>";
}

std::string legend_svg(const std::vector<Series>& series, double left, double top,
                       bool all_markers) {
  std::string out = "<g class=\"legend\">";
  for (size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    const std::string colour = kPalette[i % kPalette.size()];
    const bool markers = all_markers || s.markers;
    const double y = top + i * kLegendRow;
    out += "<g class=\"legend-entry\"><title>" + html_escape(s.name) + "</title>";
    if (s.line || !markers) {
      out += "<path d=\"M" + px(left) + " " + px(y) + "H" + px(left + 24) + "\" " +
             stroke_style(colour, s.dashed) + "/>";
    }
    if (markers) out += marker("legend-marker", left + 12, y, colour, "");
    out += text_at(left + 30, y, "dy=\"0.32em\"", html_escape(truncated(s.name, kLegendChars)));
    out += "</g>";
  }
  return out + "</g>";
}

// The axes' data ranges: the points, widened by their error bars by at most the points'
// own span on each side (an interval far wider than the spread of the points is cut at the
// plot's edge instead of squeezing every point together).
std::pair<Extent, Extent> xy_extents(const XYChart& c) {
  Extent ex, ey;
  for (const Series& s : c.series) {
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (drawable(s.x[i], c.x.log) && drawable(s.y[i], c.y.log)) ex.add(s.x[i]), ey.add(s.y[i]);
    }
  }
  auto widen = [](Extent& e, const Extent& points, double v, bool log) {
    if (!drawable(v, log)) return;
    const double span = points.hi - points.lo;
    if (span <= 0 || log) return e.add(v);  // one point, or a log axis: the bar sets the scale
    e.add(std::clamp(v, points.lo - span, points.hi + span));
  };
  const Extent px = ex, py = ey;
  for (const Series& s : c.series) {
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (!drawable(s.x[i], c.x.log) || !drawable(s.y[i], c.y.log)) continue;
      for (const auto* end : {&s.x_low, &s.x_high}) {
        if (i < end->size()) widen(ex, px, (*end)[i], c.x.log);
      }
      for (const auto* end : {&s.y_low, &s.y_high}) {
        if (i < end->size()) widen(ey, py, (*end)[i], c.y.log);
      }
    }
  }
  return {ex, ey};
}

std::string xy_chart(const XYChart& c, const std::string& kind, bool all_markers) {
  const PlotArea a = plot_area(c);
  const auto [ex, ey] = xy_extents(c);
  const Scale x = make_scale(ex, c.x.log, a.left, a.left + a.width);
  const Scale y = make_scale(ey, c.y.log, a.top + a.height, a.top);
  const bool legend = c.series.size() > 1;
  const double plot_right = a.left + a.width + kMarginRight;
  const double width = plot_right + (legend ? kLegendWidth : 0);
  const double height = std::max(a.top + a.height + kMarginBottom,
                                 legend ? a.top + c.series.size() * kLegendRow + 8 : 0);
  std::string out = open_svg(kind, width, height, c.series.size(), c.title);
  out += heading(a.left + a.width / 2, a.width + kMarginLeft, c.title);
  out += axis_svg(x, a, c.x.label, false) + axis_svg(y, a, c.y.label, true);
  for (size_t i = 0; i < c.series.size(); ++i) {
    out += series_svg(c.series[i], i, x, y, all_markers || c.series[i].markers);
  }
  if (ex.empty()) out += no_data(a.left + a.width / 2, a.top + a.height / 2);
  if (legend) out += legend_svg(c.series, plot_right, a.top + 6, all_markers);
  return out + "</svg>";
}

// WCAG relative luminance of "#rrggbb", to pick black or white text over it.
double luminance(const std::string& colour) {
  double sum = 0;
  const double weights[] = {0.2126, 0.7152, 0.0722};
  for (int k = 0; k < 3; ++k) {
    const double c = std::stoi(colour.substr(1 + 2 * k, 2), nullptr, 16) / 255.0;
    sum += weights[k] * (c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4));
  }
  return sum;
}

std::string contrasting_text(const std::string& fill) {
  const double l = luminance(fill);
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? "#000" : "#fff";
}

size_t longest(const std::vector<std::string>& labels) {
  size_t n = 0;
  for (const auto& l : labels) n = std::max(n, std::min(code_points(l), kLabelChars + 1));
  return n;
}

const std::string& at_or_empty(const std::vector<std::string>& v, size_t i) {
  static const std::string kEmpty;
  return i < v.size() ? v[i] : kEmpty;
}

std::string cell_svg(const Heatmap& m, size_t r, size_t c, double x, double y, double w, double h) {
  double v = std::numeric_limits<double>::quiet_NaN();  // missing unless a finite value is there
  if (r < m.values.size() && c < m.values[r].size() && m.values[r][c]) v = *m.values[r][c];
  const std::string place =
      html_escape(at_or_empty(m.y_labels, r) + ", " + at_or_empty(m.x_labels, c));
  const std::string box = "x=\"" + px(x) + "\" y=\"" + px(y) + "\" width=\"" + px(w) +
                          "\" height=\"" + px(h) + "\" stroke=\"#fff\"";
  if (!std::isfinite(v)) {
    return "<rect class=\"cell missing\" " + box + " fill=\"#e8e8e8\"><title>" + place +
           ": no data</title></rect>" + line_at(x + 4, y + h - 4, x + w - 4, y + 4, "#b0b0b0");
  }
  const double t = m.max != m.min ? (v - m.min) / (m.max - m.min) : 0.5;  // max < min: reversed
  const std::string fill = sequential_colour(t);
  char shown[64];
  std::snprintf(shown, sizeof shown, "%.*f", std::clamp(m.digits, 0, 12), v);
  return "<rect class=\"cell\" " + box + " fill=\"" + fill + "\"><title>" + place + ": " +
         value_text(v) + "</title></rect>" +
         text_at(x + w / 2, y + h / 2,
                 "text-anchor=\"middle\" dy=\"0.32em\" fill=\"" + contrasting_text(fill) + "\"",
                 shown);
}

// A vertical bar of the colour scale, min at the bottom, with min and max labels.
std::string colour_bar(const Heatmap& m, double left, double top, double height) {
  constexpr int kSteps = 40;
  constexpr double kWidth = 14;
  std::string out = "<g class=\"colour-bar\">";
  for (int k = 0; k < kSteps; ++k) {
    const double y = top + height - (k + 1) * height / kSteps;
    out += "<rect x=\"" + px(left) + "\" y=\"" + px(y) + "\" width=\"" + px(kWidth) +
           "\" height=\"" + px(height / kSteps + 0.5) + "\" fill=\"" +
           sequential_colour((k + 0.5) / kSteps) + "\"/>";
  }
  const int digits = std::clamp(m.digits, 0, 12);
  for (const auto& [value, y] : {std::pair{m.min, top + height}, std::pair{m.max, top}}) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", digits, std::isfinite(value) ? value : 0.0);
    out += line_at(left + kWidth, y, left + kWidth + 4, y, kInk);
    out += text_at(left + kWidth + 7, y, "dy=\"0.32em\"", text);
  }
  return out + "</g>";
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(hi - lo)) return {};  // also when lo or hi is non-finite
  if (lo > hi) std::swap(lo, hi);
  if (lo == hi) {  // widen around the value by 10% of it (or by 1 around 0)
    const double half = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= half, hi += half;
  }
  // Heckbert's nicenum(x, round = true): x rounded to 1, 2 or 5 x 10^exponent.
  const double rough = (hi - lo) / std::max(target - 1, 1);
  const int exponent = int(std::floor(std::log10(rough)));
  const double f = rough / std::pow(10.0, exponent);
  const int mantissa = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  const double step = mantissa * std::pow(10.0, exponent);
  // Each tick as i * mantissa / 10^-exponent: exact integers divided once, so 3 x 0.2 is 0.6.
  const auto tick = [&](long long i) {
    return exponent < 0 ? double(i * mantissa) / std::pow(10.0, -exponent)
                        : double(i * mantissa) * std::pow(10.0, exponent);
  };
  const long long first = std::llround(std::floor(lo / step + 1e-9));
  const long long last = std::llround(std::ceil(hi / step - 1e-9));
  std::vector<double> ticks;
  for (long long i = first; i <= last; ++i) ticks.push_back(tick(i));
  return ticks;
}

std::vector<double> log_ticks(double lo, double hi) {
  if (lo > hi) std::swap(lo, hi);
  if (!(lo > 0) || !std::isfinite(hi)) return {};
  int first = int(std::ceil(std::log10(lo) - 1e-9)), last = int(std::floor(std::log10(hi) + 1e-9));
  if (last - first < 1) {
    first = int(std::floor(std::log10(lo) + 1e-9)), last = int(std::ceil(std::log10(hi) - 1e-9));
  }
  if (first == last) --first, ++last;  // lo == hi == a power of ten: one decade either side
  std::vector<double> ticks;
  for (int k = first; k <= last; ++k) ticks.push_back(std::pow(10.0, k));
  return ticks;
}

std::string tick_label(double value, double step) {
  if (!std::isfinite(value)) return "";
  if (!(step > 0) || !std::isfinite(step)) step = std::abs(value) > 0 ? std::abs(value) : 1;
  const double magnitude = std::abs(value);
  if (magnitude < step * 1e-9) return "0";  // a tick at zero computed as 1e-17
  const int step_exponent = int(std::floor(std::log10(step) + 1e-9));
  if (magnitude >= 1e6 || magnitude < 1e-4) {
    // Enough significant digits to tell the value from its neighbours one step away.
    const int digits = int(std::floor(std::log10(magnitude) + 1e-9)) - step_exponent + 1;
    return compact(value, "%.*g", std::clamp(digits, 1, 15));
  }
  return compact(value, "%.*f", std::clamp(-step_exponent, 0, 15));
}

std::string sequential_colour(double t) {
  static const int kViridis[][3] = {{0x44, 0x01, 0x54}, {0x47, 0x2c, 0x7a}, {0x3b, 0x51, 0x8b},
                                    {0x2c, 0x71, 0x8e}, {0x21, 0x90, 0x8d}, {0x27, 0xad, 0x81},
                                    {0x5c, 0xc8, 0x63}, {0xaa, 0xdc, 0x32}, {0xfd, 0xe7, 0x25}};
  constexpr int kStops = 9;
  const double u = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0) * (kStops - 1);
  const int k = std::min(int(u), kStops - 2);
  char out[8];
  int rgb[3];
  for (int c = 0; c < 3; ++c) {
    rgb[c] = int(std::lround(kViridis[k][c] + (u - k) * (kViridis[k + 1][c] - kViridis[k][c])));
  }
  std::snprintf(out, sizeof out, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
  return out;
}

PlotArea plot_area(const XYChart& chart) {
  const double width = std::max(chart.width, kMinWidth),
               height = std::max(chart.height, kMinHeight);
  return {kMarginLeft, kMarginTop, width - kMarginLeft - kMarginRight,
          height - kMarginTop - kMarginBottom};
}

std::string line_chart(const XYChart& chart) { return xy_chart(chart, "line-chart", false); }

std::string scatter_chart(const XYChart& chart) { return xy_chart(chart, "scatter-chart", true); }

std::string heatmap(const Heatmap& m) {
  size_t rows = std::max(m.y_labels.size(), m.values.size()), cols = m.x_labels.size();
  for (const auto& row : m.values) cols = std::max(cols, row.size());
  const double cw = std::max(m.cell_width, 16), ch = std::max(m.cell_height, 12);
  const double col_chars = longest(m.x_labels);
  const bool slanted = col_chars * kCharWidth > cw - 4;  // too wide to sit level under a cell
  const double left = 34 + longest(m.y_labels) * kCharWidth, top = kMarginTop;
  const double grid_w = cols * cw, grid_h = rows * ch;
  const double labels_h = slanted ? col_chars * kCharWidth * 0.55 + 16 : 20;
  const double bar_x = left + grid_w + 20, bar_h = std::max(grid_h, 100.0);
  const double width = std::max(bar_x + 30 + (std::clamp(m.digits, 0, 12) + 6) * kCharWidth,
                                std::min(code_points(m.title), size_t(80)) * 8.5 + 20);
  const double height = std::max(top + grid_h + labels_h + 30, top + bar_h + 16);
  std::string out =
      open_svg("heatmap", width, height, rows, m.title) + heading(width / 2, width, m.title);
  if (rows == 0 || cols == 0) return out + no_data(width / 2, top + bar_h / 2) + "</svg>";
  for (size_t r = 0; r < rows; ++r) {
    const double y = top + r * ch;
    out += "<g class=\"row\" data-name=\"" + html_escape(at_or_empty(m.y_labels, r)) + "\">";
    for (size_t c = 0; c < cols; ++c) out += cell_svg(m, r, c, left + c * cw, y, cw, ch);
    out += "</g>" + label_at(left - 6, y + ch / 2, "text-anchor=\"end\" dy=\"0.32em\"",
                             at_or_empty(m.y_labels, r));
  }
  for (size_t c = 0; c < cols; ++c) {
    const double x = left + (c + 0.5) * cw, y = top + grid_h + 14;
    const std::string tilt =
        slanted ? "text-anchor=\"end\" transform=\"rotate(-35 " + px(x) + " " + px(y) + ")\""
                : "text-anchor=\"middle\"";
    out += label_at(x, y, tilt, at_or_empty(m.x_labels, c));
  }
  out += label_at(left + grid_w / 2, top + grid_h + labels_h + 18,
                  "text-anchor=\"middle\" font-size=\"12\"", m.x_label,
                  title_chars(std::max(grid_w, 200.0)));
  const double mid = top + grid_h / 2;
  out += label_at(
      16, mid,
      "text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 16 " + px(mid) + ")\"",
      m.y_label, title_chars(std::max(grid_h, 120.0)));
  return out + colour_bar(m, bar_x, top, bar_h) + "</svg>";
}

}  // namespace tb::svg
