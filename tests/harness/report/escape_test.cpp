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

TEST(Escape, MarkdownCell) {
  EXPECT_EQ(markdown_cell("a|b\nc"), "a\\|b c");
  // No raw HTML, link, code span, emphasis or math; a backslash cannot unescape a pipe.
  EXPECT_EQ(markdown_cell("<img src=x onerror=alert(1)> & [a](b) `c` *d* $e$ f\\|g"),
            "&lt;img src=x onerror=alert(1)&gt; &amp; [a]\\(b) \\`c\\` \\*d\\* \\$e\\$ f\\\\\\|g");
  EXPECT_EQ(markdown_cell("x\x1b[2J\ty\x7f"),
            "x[2J y");  // control characters never reach a terminal
  EXPECT_EQ(markdown_cell("full_ft Δ lr=0.001"), "full_ft Δ lr=0.001");
  EXPECT_EQ(markdown_cell("0.900 [0.652, 1.148] (n=3)"), "0.900 [0.652, 1.148] (n=3)");
}

}  // namespace
}  // namespace tb
