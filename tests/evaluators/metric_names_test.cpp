#include "evaluators/metric_names.h"

#include <gtest/gtest.h>

namespace tb {
namespace {

TEST(MetricNames, SlicedNamesRoundTrip) {
  const Slices slices = {{"length", "256"}, {"depth", slice_value(0.25)}};
  const std::string name = sliced_metric_name("passkey_accuracy", slices);
  EXPECT_EQ(name, "passkey_accuracy@length=256,depth=0.25");
  const SlicedMetric parsed = parse_metric_name(name);
  EXPECT_EQ(parsed.metric, "passkey_accuracy");
  EXPECT_EQ(parsed.slices, slices);
  EXPECT_EQ(parse_metric_name("held_out_ce").metric, "held_out_ce");
  EXPECT_TRUE(parse_metric_name("held_out_ce").slices.empty());
  EXPECT_EQ(slice_value(1.0), "1");
  EXPECT_EQ(slice_value(0.0), "0");
}

}  // namespace
}  // namespace tb
