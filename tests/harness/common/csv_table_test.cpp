#include "harness/common/csv_table.h"

#include <gtest/gtest.h>

#include "harness/common/check.h"

namespace tb {
namespace {

TEST(CsvTable, ParsesQuotedFieldsAndSkipsBlankLines) {
  const auto t = CsvTable::parse("name,value\r\n\"a, \"\"b\"\"\",1.5\n\nc,2e3\n", "x.csv");
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.text(0, t.column("name")), "a, \"b\"");
  EXPECT_EQ(t.number(1, t.column("value")), 2000.0);
  EXPECT_EQ(t.where(1), "x.csv:4");
}

TEST(CsvTable, TrimsUnquotedFieldsAndSkipsAByteOrderMark) {
  const auto t = CsvTable::parse("\xEF\xBB\xBFN, D ,loss\n1, 2.5 ,\" x \"\n", "b.csv");
  EXPECT_EQ(t.columns(), (std::vector<std::string>{"N", "D", "loss"}));
  EXPECT_EQ(t.number(0, t.column("D")), 2.5);
  EXPECT_EQ(t.text(0, 2), " x ");
}

TEST(CsvTable, ErrorsNameTheFileLineAndColumn) {
  const auto t = CsvTable::parse("a,b\n1,x\n", "d.csv");
  try {
    t.number(0, 1);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), "d.csv:2: column \"b\" is \"x\", expected a number");
  }
  EXPECT_THROW(t.column("c"), UserError);
  EXPECT_THROW(CsvTable::parse("a,b\n1\n", "d.csv"), UserError);
  EXPECT_THROW(CsvTable::parse("", "d.csv"), UserError);
  EXPECT_THROW(CsvTable::parse("a\n\"1\n", "d.csv"), UserError);
}

}  // namespace
}  // namespace tb
