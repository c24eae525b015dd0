#include "harness/report/training_curves.h"

#include <algorithm>
#include <optional>

#include "harness/report/svg_chart.h"
#include "harness/report/table_formats.h"
#include "harness/store/store.h"

namespace tb {
namespace {

// The shown value of field `id` in the row labelled `label`; nullopt where it has none.
std::optional<Interval> value_of(const MethodTable& t, const std::string& label, const std::string& id) {
  const auto f = field_index(t, id);
  if (!f) return std::nullopt;
  for (const auto& row : t.rows) {
    if (row[0].text == label) return scaled(t.fields[*f], row[*f]);
  }
  return std::nullopt;
}

// Variant labels in order of first appearance over the steps' tables.
std::vector<std::string> labels_of(const TablesByStep& by_step) {
  std::vector<std::string> out;
  for (const MethodTable& t : by_step.tables) {
    for (const auto& row : t.rows) {
      if (std::find(out.begin(), out.end(), row[0].text) == out.end()) out.push_back(row[0].text);
    }
  }
  return out;
}

// The field's definition from the first table that has it.
std::optional<TableField> field_named(const TablesByStep& by_step, const std::string& id) {
  for (const MethodTable& t : by_step.tables) {
    if (const auto f = field_index(t, id)) return t.fields[*f];
  }
  return std::nullopt;
}

// The field's shown value for the variant at each step (nullopt where it has none).
std::vector<std::optional<Interval>> curve_of(const TablesByStep& by_step, const std::string& label,
                                              const std::string& id) {
  std::vector<std::optional<Interval>> out;
  for (const MethodTable& t : by_step.tables) out.push_back(value_of(t, label, id));
  return out;
}

std::string direction(const std::string& id) {
  return id == "target_accuracy" ? "higher is better" : "lower is better";
}

}  // namespace

TablesByStep method_tables_by_step(Store& store, const RunFilter& filter) {
  TablesByStep out;
  for (const int64_t step : store.evaluation_steps(filter)) {
    RunFilter at_step = filter;
    at_step.step = step;
    out.steps.push_back(step);
    out.tables.push_back(method_table(store, at_step));
  }
  return out;
}

const std::vector<std::string>& curve_field_ids() {
  static const std::vector<std::string> ids = {"target_accuracy", "delta_held_out_ce", "kl_from_base"};
  return ids;
}

std::vector<Chart> training_curve_charts(const TablesByStep& by_step) {
  std::vector<Chart> out;
  for (const std::string& id : curve_field_ids()) {
    const auto field = field_named(by_step, id);
    if (!field) continue;
    svg::XYChart chart{field->header + " during training", {"step", false},
                       {field->header + " (" + direction(id) + ")", false}, {}, 640, 400};
    for (const std::string& label : labels_of(by_step)) {
      svg::Series s;
      s.name = label;
      s.markers = true;
      const auto curve = curve_of(by_step, label, id);
      for (size_t i = 0; i < curve.size(); ++i) {
        const auto& v = curve[i];
        if (!v) continue;
        s.x.push_back(double(by_step.steps[i]));
        s.y.push_back(v->value);
        s.y_low.push_back(v->has_interval() ? v->low : v->value);
        s.y_high.push_back(v->has_interval() ? v->high : v->value);
      }
      if (!s.x.empty()) chart.series.push_back(std::move(s));
    }
    if (chart.series.empty()) continue;
    out.push_back({"curve-" + id, chart.title,
                   "The evaluation taken during training after each step (evaluation.every), mean over each "
                   "variant's seeds with 95% intervals as bars (as in the method table).",
                   svg::line_chart(chart)});
  }
  return out;
}

std::vector<TextTable> training_curve_tables(const TablesByStep& by_step) {
  std::vector<TextTable> out;
  for (const std::string& id : curve_field_ids()) {
    const auto field = field_named(by_step, id);
    if (!field) continue;
    TextTable t{field->header + " during training (" + direction(id) + ")", {"method"}, {}};
    for (const int64_t step : by_step.steps) t.headers.push_back("step " + std::to_string(step));
    for (const std::string& label : labels_of(by_step)) {
      const auto curve = curve_of(by_step, label, id);
      if (std::none_of(curve.begin(), curve.end(), [](const auto& v) { return v.has_value(); })) continue;
      std::vector<std::string> row = {label};
      for (const auto& v : curve) row.push_back(v ? interval_text(*v, field->digits) : "—");
      t.rows.push_back(std::move(row));
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<PathPoint> variant_path(const TablesByStep& by_step, const std::string& label, const std::string& x_field,
                                    const std::string& y_field) {
  const auto xs = curve_of(by_step, label, x_field), ys = curve_of(by_step, label, y_field);
  std::vector<PathPoint> out;
  for (size_t i = 0; i < xs.size(); ++i) {
    if (xs[i] && ys[i]) out.push_back({*xs[i], *ys[i]});
  }
  return out;
}

}  // namespace tb
