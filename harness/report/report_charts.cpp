#include "harness/report/report_charts.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "harness/report/svg_chart.h"
#include "harness/store/store.h"

namespace tb {
namespace {

// The layer of "model.layers.3.self_attn.q_proj.weight"; nullopt for other matrices.
std::optional<int> layer_of(const std::string& matrix) {
  const std::string prefix = "model.layers.";
  if (matrix.rfind(prefix, 0) != 0) return std::nullopt;
  const size_t end = matrix.find('.', prefix.size());
  return std::stoi(matrix.substr(prefix.size(), end - prefix.size()));
}

// Variants in order of first appearance.
template <typename Row>
std::vector<std::string> variants_in_order(const std::vector<Row>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) {
    if (std::find(out.begin(), out.end(), r.variant) == out.end()) out.push_back(r.variant);
  }
  return out;
}

}  // namespace

namespace {

void add_point(svg::Series& s, const Interval& x, const Interval& y) {
  s.x.push_back(x.value);
  s.y.push_back(y.value);
  s.x_low.push_back(x.has_interval() ? x.low : x.value);
  s.x_high.push_back(x.has_interval() ? x.high : x.value);
  s.y_low.push_back(y.has_interval() ? y.low : y.value);
  s.y_high.push_back(y.has_interval() ? y.high : y.value);
}

}  // namespace

std::vector<Chart> pareto_charts(const MethodTable& t, const TablesByStep& by_step) {
  const auto accuracy = field_index(t, "target_accuracy");
  auto forgetting = field_index(t, "delta_held_out_ce");
  if (!forgetting) forgetting = field_index(t, "kl_from_base");
  if (!accuracy || !forgetting) return {};
  const TableField& fx = t.fields[*forgetting];
  const TableField& fy = t.fields[*accuracy];
  svg::XYChart chart{"Learning vs forgetting", {fx.header + " (lower is better)", false},
                     {fy.header + " (higher is better)", false}, {}, 640, 420};
  struct Point { double x, y; };
  std::vector<Point> points;
  for (const auto& row : t.rows) {
    const auto x = scaled(fx, row[*forgetting]), y = scaled(fy, row[*accuracy]);
    if (!x || !y) continue;  // the base model has no forgetting
    svg::Series s;
    s.name = row[0].text;
    for (const PathPoint& p : variant_path(by_step, row[0].text, fx.id, fy.id)) add_point(s, p.x, p.y);
    const bool final_on_path = !s.x.empty() && s.x.back() == x->value && s.y.back() == y->value;
    if (!final_on_path) add_point(s, *x, *y);
    s.line = s.x.size() > 1;
    s.markers = true;
    chart.series.push_back(s);
    points.push_back({x->value, y->value});
  }
  if (points.empty()) return {};
  // The frontier: no other point forgets less and learns at least as much.
  std::vector<Point> frontier;
  for (const Point& p : points) {
    const bool dominated = std::any_of(points.begin(), points.end(), [&](const Point& q) {
      return (q.x <= p.x && q.y >= p.y) && (q.x < p.x || q.y > p.y);
    });
    if (!dominated) frontier.push_back(p);
  }
  std::sort(frontier.begin(), frontier.end(), [](const Point& a, const Point& b) { return a.x < b.x; });
  if (frontier.size() >= 2) {
    svg::Series f;
    f.name = "Pareto frontier";
    for (const Point& p : frontier) f.x.push_back(p.x), f.y.push_back(p.y);
    f.dashed = true;
    chart.series.push_back(f);
  }
  return {{"pareto", "Learning vs forgetting",
           std::string("Each point is a method variant: mean over seeds with 95% intervals as bars. Up and to the "
                       "left is better; the dashed line joins the variants no other variant beats on both axes.") +
               (by_step.empty() ? "" : " Each variant's line is its path during training, one point per evaluated "
                                       "step, ending at its final evaluation."),
           svg::scatter_chart(chart)}};
}

std::vector<Chart> loss_curve_charts(Store& store, const RunFilter& filter) {
  const auto values = store.step_values(filter, "train_loss");
  if (values.empty()) return {};
  svg::XYChart chart{"Training loss", {"step", false}, {"training loss (mean over seeds)", true}, {}, 640, 400};
  const auto variants = variants_in_order(values);
  for (const std::string& variant : variants) {
    std::map<int64_t, std::pair<double, int>> by_step;  // step -> (sum, runs)
    for (const StepValue& v : values) {
      if (v.variant != variant) continue;
      auto& [sum, n] = by_step[v.step];
      sum += v.value;
      ++n;
    }
    svg::Series s;
    s.name = variant;
    for (const auto& [step, sum_n] : by_step) {
      s.x.push_back(double(step));
      s.y.push_back(sum_n.first / sum_n.second);
    }
    chart.series.push_back(s);
  }
  return {{"loss", "Training loss",
           "The logged training loss per step, averaged over each variant's seeds. Post-hoc methods train "
           "nothing and have no curve.",
           svg::line_chart(chart)}};
}

std::vector<Chart> slice_heatmaps(const SummaryTable& summary) {
  std::vector<Chart> out;
  for (const SliceGrid& g : summary.grids) {
    svg::Heatmap map;
    map.title = g.title;
    map.y_label = g.row_header;
    map.x_label = g.title.substr(g.title.find(": ") + 2);
    map.x_label = map.x_label.substr(map.x_label.find(" x ") == std::string::npos ? 0 : map.x_label.find(" x ") + 3);
    map.x_label = map.x_label.substr(0, map.x_label.find(','));
    map.x_labels = g.column_labels;
    for (const auto& r : g.row_labels) map.y_labels.push_back(r);
    for (const auto& r : g.row_labels) {
      std::vector<std::optional<double>> row;
      for (const auto& c : g.column_labels) {
        const auto it = g.cells.find({r, c});
        row.push_back(it == g.cells.end() ? std::nullopt : std::optional<double>(it->second.value));
      }
      map.values.push_back(row);
    }
    if (g.row_header == "method") {  // long method labels: wider rows need no wider cells
      map.cell_width = 56;
    }
    std::string legend = "Accuracy per cell, mean over seeds (0 = dark, 1 = bright).";
    if (g.lower_is_better) {  // a loss: bright where it is lowest, dark at the grid's highest
      map.max = 0;
      map.min = 0;
      for (const auto& [at, cell] : g.cells) map.min = std::max(map.min, cell.value);
      legend = "Cross-entropy per cell in nats, mean over seeds (0 = bright, the grid's highest = dark).";
    }
    out.push_back({"slice-" + std::to_string(out.size() + 1), map.title, legend, svg::heatmap(map)});
  }
  return out;
}

std::vector<Chart> spectral_charts(Store& store, const RunFilter& filter, SpectralMatrices which) {
  const ComparedSpectra compared = compare_spectra(store.run_spectra(filter), which);
  if (compared.matrices.empty()) return {};
  struct Metric {
    std::string name, title, y_label;
    bool sum_over_layer;
  };
  const std::vector<Metric> metrics = {
      {"intruders", "Intruder dimensions per layer", "intruder dimensions (sum over the layer's matrices)", true},
      {"update_erank", "Effective rank of ΔW per layer", "effective rank of ΔW (mean over the layer's matrices)", false},
  };
  std::vector<Chart> out;
  for (const Metric& m : metrics) {
    svg::XYChart chart{m.title, {"layer", false}, {m.y_label, false}, {}, 640, 380};
    for (const std::string& variant : compared.variants) {
      std::map<int, std::pair<double, int>> by_layer;  // layer -> (sum over runs, runs)
      for (const auto& [run, matrices] : compared.runs.at(variant)) {
        std::map<int, std::pair<double, int>> layers;  // layer -> (sum, matrices)
        for (const auto& [matrix, values] : matrices) {
          const auto layer = layer_of(matrix);
          const auto it = values.find(m.name);
          if (!layer || it == values.end()) continue;
          layers[*layer].first += it->second;
          ++layers[*layer].second;
        }
        for (const auto& [layer, sum_n] : layers) {
          by_layer[layer].first += m.sum_over_layer ? sum_n.first : sum_n.first / sum_n.second;
          ++by_layer[layer].second;
        }
      }
      if (by_layer.empty()) continue;
      svg::Series s;
      s.name = variant;
      s.markers = true;
      for (const auto& [layer, sum_n] : by_layer) {
        s.x.push_back(layer);
        s.y.push_back(sum_n.first / sum_n.second);
      }
      chart.series.push_back(s);
    }
    if (chart.series.empty()) continue;
    out.push_back({"spectral-" + m.name, m.title,
                   m.name == "intruders"
                       ? "Singular vectors of the tuned weights that match no base singular vector (Shuttleworth et "
                         "al. 2024), summed over each layer's matrices of " + compared.description() +
                             " (an unchanged matrix counts 0), mean over seeds."
                       : "Entropy effective rank (Roy & Vetterli 2007) of each update ΔW = W_tuned − W_base, "
                         "averaged over each layer's matrices of " + compared.description() +
                             " (0 where ΔW = 0), mean over seeds.",
                   svg::line_chart(chart)});
  }
  return out;
}

bool fit_of_sweep(const FitRecord& f, const std::string& sweep) {
  return f.source == "sweep:" + sweep || f.source.rfind("sweep:" + sweep + " ", 0) == 0;
}

namespace {

// Per group (one unnamed group for a plain fit): the measured points and the fitted law
// through them, over the group's own range of x.
std::vector<svg::Series> one_variable_fit_series(const std::vector<std::vector<double>>& x,
                                                 const std::vector<double>& y,
                                                 const std::vector<double>& predicted,
                                                 const std::vector<std::string>& groups) {
  std::vector<std::string> order;
  for (const auto& g : groups)
    if (std::find(order.begin(), order.end(), g) == order.end()) order.push_back(g);
  std::vector<svg::Series> out;
  for (const auto& group : order) {
    const std::string prefix = group.empty() ? "" : group + ": ";
    svg::Series data{prefix + "measured", {}, {}, {}, {}, {}, {}, false, true, false};
    std::vector<std::pair<double, double>> curve;
    for (size_t i = 0; i < x.size(); ++i) {
      if (groups[i] != group) continue;
      data.x.push_back(x[i][0]);
      data.y.push_back(y[i]);
      curve.emplace_back(x[i][0], predicted[i]);
    }
    std::sort(curve.begin(), curve.end());
    svg::Series fitted{prefix + "fitted law", {}, {}, {}, {}, {}, {}, true, false, false};
    for (const auto& [cx, cy] : curve) fitted.x.push_back(cx), fitted.y.push_back(cy);
    out.push_back(data);
    out.push_back(fitted);
  }
  return out;
}

}  // namespace

std::vector<Chart> fit_charts(Store& store, const std::string& sweep) {
  std::vector<Chart> out;
  for (const FitRecord& f : store.fits()) {
    if (!fit_of_sweep(f, sweep)) continue;
    const auto record = nlohmann::json::parse(f.result_json, nullptr, false);
    if (!record.is_object() || !record.contains("points")) continue;  // recorded before points were kept
    const auto& p = record.at("points");
    const auto x = p.at("x").get<std::vector<std::vector<double>>>();
    const auto y = p.at("y").get<std::vector<double>>();
    const auto predicted = p.at("predicted").get<std::vector<double>>();
    const auto variables = record.at("fit").at("variables").get<std::vector<std::string>>();
    const std::string y_name = record.value("y", std::string("y"));
    const std::string formula = record.at("fit").value("formula", f.law);
    svg::XYChart chart;
    chart.title = "fit " + std::to_string(f.id) + ": " + formula;
    if (variables.size() == 1) {
      chart.x = {variables[0], true};
      chart.y = {y_name, true};
      const auto groups = p.contains("groups") ? p.at("groups").get<std::vector<std::string>>()
                                               : std::vector<std::string>(y.size());
      chart.series = one_variable_fit_series(x, y, predicted, groups);
    } else {
      chart.x = {"predicted " + y_name, true};
      chart.y = {"measured " + y_name, true};
      svg::Series data{"points", predicted, y, {}, {}, {}, {}, false, true, false};
      const auto [lo, hi] = std::minmax_element(y.begin(), y.end());
      svg::Series diagonal{"measured = predicted", {*lo, *hi}, {*lo, *hi}, {}, {}, {}, {}, true, false, true};
      chart.series = {data, diagonal};
    }
    out.push_back({"fit-" + std::to_string(f.id), chart.title,
                   "Fit " + std::to_string(f.id) + " (" + f.law + ", " + std::to_string(f.points) +
                       " points, recorded " + f.created_at + "): " +
                       (variables.size() == 1
                            ? (record.contains("joint") ? "each group's measured points and the shared model's curve for it."
                                                        : "the measured points and the fitted law.")
                                              : "measured against predicted; on the dashed line the law is exact."),
                   svg::scatter_chart(chart)});
  }
  return out;
}

}  // namespace tb
