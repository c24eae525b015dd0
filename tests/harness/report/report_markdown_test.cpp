#include "harness/report/report_markdown.h"

#include <gtest/gtest.h>

#include "harness/report/report.h"
#include "harness/store/store.h"
#include "tests/harness/report/report_fixture.h"
#include "tests/test_util.h"

namespace tb {
namespace {

// Labels reach report.md from the store: as text in every cell and heading, never as HTML,
// links or terminal control sequences.
TEST(ReportMarkdown, LabelsAreTextInEveryCellAndHeading) {
  testing::ScratchDir dir("report-md");
  testing::write_fixture_sweep(dir.path() / "db.sqlite", "fixture", testing::fixture_runs());
  Store store(dir.path() / "db.sqlite");
  Report r = build_report(store, RunFilter{"fixture", {}});
  r.sweep = "<script>alert(1)</script> [x](javascript:y)";
  ASSERT_FALSE(r.failed.empty());
  r.failed[0].key = "<img src=x onerror=y>";
  r.failed[0].reason = "\x1b[2Jcleared";
  ASSERT_FALSE(r.summary.grids.empty());
  r.summary.grids[0].row_header = "<i>depth</i>";
  r.summary.grids[0].column_labels[0] = "<u>64</u>";  // a cell's column: matched by this label
  const std::string md = report_markdown(r);
  EXPECT_EQ(md.find('<'), std::string::npos) << md;
  EXPECT_EQ(md.find('\x1b'), std::string::npos);
  EXPECT_NE(md.find("# &lt;script&gt;alert(1)&lt;/script&gt; [x]\\(javascript:y)\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| &lt;img src=x onerror=y&gt; |"), std::string::npos);
  EXPECT_NE(md.find("lora &lt;b&gt;&amp;\"x_y% {a}\\$ \\|"),
            std::string::npos);  // the fixture's hostile label
  EXPECT_NE(md.find("| &lt;i&gt;depth&lt;/i&gt; | &lt;u&gt;64&lt;/u&gt; |"), std::string::npos);
}

}  // namespace
}  // namespace tb
