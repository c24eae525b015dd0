#include "harness/report/method_table.h"

#include <gtest/gtest.h>

#include "harness/common/check.h"
#include "harness/report/table_formats.h"
#include "harness/store/store.h"
#include "tests/harness/report/report_fixture.h"
#include "tests/test_util.h"

namespace tb {
namespace {

class MethodTableTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::write_fixture_sweep(dir_.path() / "db.sqlite", "fixture", testing::fixture_runs()); }
  MethodTable table() {
    Store store(dir_.path() / "db.sqlite");
    return method_table(store, RunFilter{"fixture", {}});
  }
  static size_t column(const MethodTable& t, const std::string& id) {
    for (size_t f = 0; f < t.fields.size(); ++f) {
      if (t.fields[f].id == id) return f;
    }
    ADD_FAILURE() << "no field " << id;
    return 0;
  }
  testing::ScratchDir dir_{"method-table"};
};

TEST_F(MethodTableTest, MeansAndIntervalsEqualHandComputedValues) {
  const MethodTable t = table();
  ASSERT_EQ(t.rows.size(), 3u);  // base model, full_ft, lora (the failed variant has no row)
  EXPECT_EQ(t.rows[0][0].text, "base model");
  EXPECT_EQ(t.rows[1][0].text, "full_ft lr=0.001");
  EXPECT_EQ(t.rows[2][0].text, testing::kHostileVariant);
  // full_ft accuracy {0.8, 0.9, 1.0}: mean 0.9, SD 0.1, SE 0.1/sqrt(3), t(2) = 4.303; the
  // upper end, 1.148, is clipped to a proportion's 1.
  const Interval acc = *t.rows[1][column(t, "target_accuracy")].estimate;
  EXPECT_EQ(acc.basis, IntervalBasis::kOverSeeds);
  EXPECT_NEAR(acc.value, 0.9, 1e-12);
  EXPECT_NEAR(acc.low, 0.9 - 4.303 * 0.1 / std::sqrt(3.0), 1e-9);
  EXPECT_DOUBLE_EQ(acc.high, 1.0);
  EXPECT_EQ(acc.seeds, 3);
  // lora Δ held-out CE {1, 1.5, 2}: mean 1.5, SD 0.5 (a difference: not clipped at 0).
  const Interval ce = *t.rows[2][column(t, "delta_held_out_ce")].estimate;
  EXPECT_NEAR(ce.value, 1.5, 1e-12);
  EXPECT_NEAR(ce.high - ce.value, 4.303 * 0.5 / std::sqrt(3.0), 1e-9);
  // Costs: lora's trainable parameters differ per seed (1000..1002); peak memory in MiB.
  EXPECT_EQ(*t.rows[2][column(t, "trainable_params")].min, 1000);
  EXPECT_EQ(*t.rows[2][column(t, "trainable_params")].max, 1002);
  const size_t mem = column(t, "peak_memory_mib");
  EXPECT_NEAR(scaled(t.fields[mem], t.rows[2][mem])->value, 101.0, 1e-9);  // 100, 101, 102 MiB
  EXPECT_NEAR(t.rows[1][column(t, "wall_seconds")].estimate->value, 11.0, 1e-12);
  // The base model: its accuracy once (identical in every run), with the interval of its
  // items (SE 0.01), conditional on that one evaluation; no forgetting of its own.
  const Interval base = *t.rows[0][column(t, "target_accuracy")].estimate;
  EXPECT_NEAR(base.value, 0.1, 1e-12);
  EXPECT_EQ(base.basis, IntervalBasis::kConditional);
  EXPECT_NEAR(base.high, 0.1 + 1.959964 * 0.01, 1e-9);
  EXPECT_FALSE(t.rows[0][column(t, "delta_held_out_ce")].estimate.has_value());
}

TEST_F(MethodTableTest, FieldsWithoutDataAreDropped) {
  const MethodTable t = table();
  for (const auto& f : t.fields) {
    EXPECT_NE(f.id, "reasoning_accuracy");  // the fixture has no reasoning suite
    EXPECT_NE(f.id, "control_retention");
  }
}

TEST_F(MethodTableTest, EveryFormatCarriesTheSameNumbersAndEscapesLabels) {
  const MethodTable t = table();
  const std::string md = method_table_markdown(t), csv = method_table_csv(t), tex = method_table_latex(t),
                    html = method_table_html(t);
  EXPECT_NE(md.find("0.900 [0.652, 1.000]"), std::string::npos) << md;
  EXPECT_NE(html.find("0.900 [0.652, 1.000]"), std::string::npos);
  EXPECT_NE(tex.find("0.900 [0.652, 1.000]"), std::string::npos);
  EXPECT_NE(csv.find("target_accuracy_mean,target_accuracy_ci_low,target_accuracy_ci_high,target_accuracy_n,"
                     "target_accuracy_interval"),
            std::string::npos);
  EXPECT_NE(csv.find(",3,seeds,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"lora <b>&\"\"x_y% {a}$ |\""), std::string::npos) << csv;  // RFC 4180 quoting
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("lora &lt;b&gt;&amp;&quot;x_y% {a}$ |"), std::string::npos);
  EXPECT_NE(tex.find("lora <b>\\&\"x\\_y\\% \\{a\\}\\$ |"), std::string::npos) << tex;
  EXPECT_NE(tex.find("$\\Delta$ held-out CE"), std::string::npos);
  EXPECT_NE(md.find("lora &lt;b&gt;&amp;\"x_y% {a}\\$ \\|"), std::string::npos)
      << md;  // no HTML, no row split
  EXPECT_EQ(md.find("<b>"), std::string::npos);
}

TEST_F(MethodTableTest, MethodFilterAndUnknownSweeps) {
  Store store(dir_.path() / "db.sqlite");
  const MethodTable only = method_table(store, RunFilter{"fixture", {"lora"}});
  ASSERT_EQ(only.rows.size(), 2u);  // base model and lora
  EXPECT_EQ(only.rows[1][0].text, testing::kHostileVariant);
  EXPECT_THROW(method_table(store, RunFilter{"fixture", {"dora"}}), UserError);
  EXPECT_THROW(store.resolve_sweep("nope"), UserError);
  // A quote in a filter value is data, never SQL.
  EXPECT_THROW(method_table(store, RunFilter{"fixture", {"x' OR '1'='1"}}), UserError);
}

}  // namespace
}  // namespace tb
