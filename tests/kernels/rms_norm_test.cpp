#include "kernels/rms_norm.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

namespace tb {
namespace {

TEST(RmsNorm, MatchesTheClosedForm) {
  const auto x = torch::tensor({{3.0f, 4.0f}, {1.0f, -1.0f}});
  const auto w = torch::tensor({2.0f, 0.5f});
  const auto y = kernels::rms_norm(x, w, 0.0);
  // Row 0: rms = sqrt((9 + 16) / 2) = 3.5355; row 1: rms = 1.
  const double rms0 = std::sqrt(12.5);
  EXPECT_NEAR(y[0][0].item<double>(), 2 * 3 / rms0, 1e-6);
  EXPECT_NEAR(y[0][1].item<double>(), 0.5 * 4 / rms0, 1e-6);
  EXPECT_NEAR(y[1][0].item<double>(), 2.0, 1e-6);
  EXPECT_NEAR(y[1][1].item<double>(), -0.5, 1e-6);
}

TEST(RmsNorm, ComputesInFloat32ForLowPrecisionInputs) {
  torch::manual_seed(0);
  const auto x = torch::randn({4, 64}) * 100;
  const auto w = torch::ones({64});
  const auto ref = kernels::rms_norm(x, w, 1e-5);
  const auto low = kernels::rms_norm(x.to(torch::kBFloat16), w, 1e-5);
  EXPECT_TRUE(torch::allclose(low.to(torch::kFloat32), ref, 2e-2, 2e-2)) << "no overflow or precision collapse";
  EXPECT_NEAR(ref.pow(2).mean(-1)[0].item<double>(), 1.0, 1e-3) << "unit mean square after normalisation";
}

}  // namespace
}  // namespace tb
