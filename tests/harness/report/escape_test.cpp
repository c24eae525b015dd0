#include "harness/report/escape.h"

#include <gtest/gtest.h>

namespace tb {
namespace {

TEST(Escape, Html) {
  EXPECT_EQ(html_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
  EXPECT_EQ(html_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(html_escape(std::string("x\x01y\tz", 5)), "xy\tz");  // XML forbids most control characters
  EXPECT_EQ(html_escape("Δ naïve"), "Δ naïve");
}

TEST(Escape, LatexSpecialsAndSymbols) {
  EXPECT_EQ(latex_escape(R"(\{}$&#^_%~)"),
            R"(\textbackslash{}\{\}\$\&\#\textasciicircum{}\_\%\textasciitilde{})");
  EXPECT_EQ(latex_escape("Δ ± × − – ‖"), "$\\Delta$ $\\pm$ $\\times$ $-$ -- $\\|$");
  EXPECT_EQ(latex_escape("lora rank=8"), "lora rank=8");
}

TEST(Escape, CsvQuotesOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

TEST(Escape, MarkdownCell) { EXPECT_EQ(markdown_cell("a|b\nc"), "a\\|b c"); }

}  // namespace
}  // namespace tb
