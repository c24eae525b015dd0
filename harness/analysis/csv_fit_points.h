// Points for a scaling-law fit read from a CSV file. Each law variable, and y, is a column
// or a product/quotient of columns and numbers ("Training FLOP / 6 / Model Size"), so
// derived quantities such as tokens D = C / (6N) need no preprocessing.
#pragma once
#include <map>
#include <string>

#include "harness/analysis/scaling_laws.h"
#include "harness/common/csv_table.h"

namespace tb {

// The value of `expression` in one row; UserError naming the expression when a column is
// missing or a field is not a number.
double column_expression_value(const CsvTable& table, const std::string& expression, size_t row);

// One point per row, labelled file:line. `x` maps every variable of `law` to an
// expression; UserError when one is missing or names no variable of the law. `group_column`,
// when not empty, names the column whose text is each point's group.
FitPoints csv_fit_points(const CsvTable& table, const ScalingLaw& law,
                         const std::map<std::string, std::string>& x, const std::string& y,
                         const std::string& group_column = "");

// Removes the `count` points with the highest y (Besiroglu et al. drop Chinchilla's 5
// highest-loss points as outliers).
void drop_highest(FitPoints& points, size_t count);

}  // namespace tb
