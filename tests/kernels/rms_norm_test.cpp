#include "kernels/rms_norm.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "tests/kernels/kernel_test_util.h"

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

TEST(RmsNorm, TheFusedKernelMatchesTheReferenceForwardAndBackward_CUDA) {
  TB_SKIP_WITHOUT_GPU();
  for (const auto dtype : {torch::kFloat32, torch::kBFloat16}) {
    torch::manual_seed(5);
    const auto x = (torch::randn({3, 7, 2048}) * 3).to(dtype);
    const auto w = (torch::rand({2048}) + 0.5).to(dtype);
    const auto dy = torch::randn({3, 7, 2048}).to(dtype);
    auto gradients = [&](bool fused, const torch::Device& device) {
      auto xi = x.to(device).requires_grad_(), wi = w.to(device).requires_grad_();
      auto y = fused ? kernels::fused_rms_norm(xi, wi, 1e-5) : kernels::rms_norm(xi, wi, 1e-5);
      (y * dy.to(device)).sum().backward();
      return std::make_tuple(y.detach(), xi.grad(), wi.grad());
    };
    const auto [y_ref, dx_ref, dw_ref] = gradients(false, torch::kCUDA);
    const auto [y, dx, dw] = gradients(true, torch::kCUDA);
    const double tolerance = dtype == torch::kBFloat16 ? 1e-2 : 1e-5;
    EXPECT_EQ(y.scalar_type(), y_ref.scalar_type());
    EXPECT_LT(testing::relative_difference(y, y_ref), tolerance) << c10::toString(dtype);
    EXPECT_LT(testing::relative_difference(dx, dx_ref), tolerance) << c10::toString(dtype);
    EXPECT_LT(testing::relative_difference(dw, dw_ref), tolerance) << c10::toString(dtype);
  }
}

}  // namespace
}  // namespace tb
