// Task arithmetic (Ilharco et al. 2023): base + lambda * sum of task vectors.
#include "methods/task_arithmetic.h"

#include <gtest/gtest.h>

#include "tests/methods/posthoc_test_util.h"

namespace tb {
namespace {

TEST(TaskArithmetic, EndPointsAreExact) {
  const TensorMap base = testing::random_model(1);
  const TensorMap tuned = testing::tuned_from(base, 2);
  EXPECT_TRUE(testing::same_bits(TaskArithmetic(1.0).combine({base, {tuned}, nullptr}), tuned));
  EXPECT_TRUE(testing::same_bits(TaskArithmetic(0.0).combine({base, {tuned}, nullptr}), base));
}

TEST(TaskArithmetic, SumsTheScaledTaskVectors) {
  const TensorMap base = testing::random_model(1);
  const TensorMap a = testing::tuned_from(base, 2), b = testing::tuned_from(base, 3);
  const TensorMap out = TaskArithmetic(0.7).combine({base, {a, b}, nullptr});
  for (const auto& [k, v] : out) {
    const auto expected = base.at(k) + 0.7 * ((a.at(k) - base.at(k)) + (b.at(k) - base.at(k)));
    EXPECT_TRUE(torch::allclose(v, expected, 1e-5, 1e-6)) << k;
  }
}

}  // namespace
}  // namespace tb
