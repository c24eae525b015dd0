#include "harness/analysis/csv_fit_points.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <numeric>

#include "harness/common/check.h"
#include "harness/common/strings.h"

namespace tb {

double column_expression_value(const CsvTable& table, const std::string& expression, size_t row) {
  double value = 1;
  char op = '*';
  size_t start = 0;
  for (size_t i = 0; i <= expression.size(); ++i) {
    if (i < expression.size() && expression[i] != '*' && expression[i] != '/') continue;
    const std::string operand = trim(expression.substr(start, i - start));
    if (operand.empty()) {
      throw UserError("expression \"" + expression +
                      "\": expected column names or numbers joined by * or /");
    }
    char* end = nullptr;
    double v = std::strtod(operand.c_str(), &end);
    if (end != operand.c_str() + operand.size()) v = table.number(row, table.column(operand));
    value = op == '*' ? value * v : value / v;
    if (i < expression.size()) op = expression[i];
    start = i + 1;
  }
  return value;
}

FitPoints csv_fit_points(const CsvTable& table, const ScalingLaw& law,
                         const std::map<std::string, std::string>& x, const std::string& y,
                         const std::string& group_column) {
  check_variable_sources(law, x);
  FitPoints points;
  const size_t group = group_column.empty() ? 0 : table.column(group_column);
  for (size_t row = 0; row < table.rows(); ++row) {
    std::vector<double> xs;
    for (const auto& v : law.variables) xs.push_back(column_expression_value(table, x.at(v), row));
    points.x.push_back(xs);
    points.y.push_back(column_expression_value(table, y, row));
    points.labels.push_back(table.where(row));
    if (!group_column.empty()) points.groups.push_back(table.text(row, group));
  }
  return points;
}

void drop_highest(FitPoints& points, size_t count) {
  std::vector<size_t> order(points.y.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return points.y[a] < points.y[b]; });
  order.resize(order.size() - std::min(count, order.size()));
  std::sort(order.begin(), order.end());
  points = select_points(points, order);
}

}  // namespace tb
