#include "harness/analysis/csv_fit_points.h"

#include <gtest/gtest.h>

#include "harness/common/check.h"

namespace tb {
namespace {

TEST(CsvFitPoints, ExpressionsDeriveColumnsAndPointsKeepTheirLines) {
  const auto table = CsvTable::parse("N,C,loss\n10,600,3\n20,2400,2\n40,9600,5\n", "t.csv");
  EXPECT_DOUBLE_EQ(column_expression_value(table, "C / 6 / N", 0), 10.0);
  EXPECT_DOUBLE_EQ(column_expression_value(table, "2 * N", 1), 40.0);
  auto points =
      csv_fit_points(table, scaling_law("chinchilla"), {{"N", "N"}, {"D", "C/6/N"}}, "loss");
  ASSERT_EQ(points.y.size(), 3u);
  EXPECT_EQ(points.x[1], (std::vector<double>{20, 20}));
  EXPECT_EQ(points.labels[2], "t.csv:4");
  drop_highest(points, 1);
  EXPECT_EQ(points.y, (std::vector<double>{3, 2}));
  EXPECT_EQ(points.labels, (std::vector<std::string>{"t.csv:2", "t.csv:3"}));
}

TEST(CsvFitPoints, MissingVariablesAndColumnsAreUserErrors) {
  const auto table = CsvTable::parse("N,loss\n10,3\n", "t.csv");
  EXPECT_THROW(csv_fit_points(table, scaling_law("chinchilla"), {{"N", "N"}}, "loss"), UserError);
  EXPECT_THROW(csv_fit_points(table, scaling_law("power_law"), {{"x", "N"}, {"Q", "N"}}, "loss"),
               UserError);
  EXPECT_THROW(csv_fit_points(table, scaling_law("power_law"), {{"x", "M"}}, "loss"), UserError);
  EXPECT_THROW(column_expression_value(table, "N / ", 0), UserError);
}

}  // namespace
}  // namespace tb
