#include "methods/sparse_delta.h"

#include <gtest/gtest.h>

namespace tb {
namespace {

TEST(SparseDelta, AddsValuesAtPositionsAndMergesExactly) {
  torch::manual_seed(0);
  AdaptedLinear proj(4, 3);
  const auto w = proj->weight.detach().clone();
  auto delta = std::make_shared<SparseDelta>(torch::tensor({1, 5, 11}, torch::kInt64));
  proj->add_adapter("sparse", delta);
  {
    torch::NoGradGuard no_grad;
    delta->values.copy_(torch::tensor({0.5f, -1.0f, 2.0f}));
  }
  auto expected = w.clone().reshape({-1});
  expected[1] += 0.5f;
  expected[5] -= 1.0f;
  expected[11] += 2.0f;
  const auto x = torch::randn({2, 4});
  EXPECT_TRUE(torch::allclose(proj->forward(x), torch::mm(x, expected.view({3, 4}).t())));
  proj->merge_adapters();
  EXPECT_TRUE(torch::equal(proj->weight, expected.view({3, 4})));
}

TEST(SparseDelta, CapturesTheDenseGradient) {
  AdaptedLinear proj(4, 3);
  auto delta = std::make_shared<SparseDelta>(torch::tensor({0, 7}, torch::kInt64));
  proj->add_adapter("sparse", delta);
  delta->capture_dense_gradient = true;
  const auto x = torch::randn({5, 4});
  proj->forward(x).sum().backward();
  // d sum(x W^T) / dW = 1^T x for every row.
  EXPECT_TRUE(torch::allclose(delta->dense_gradient(), x.sum(0).unsqueeze(0).expand({3, 4})));
  EXPECT_TRUE(torch::allclose(
      delta->values.grad(), delta->dense_gradient().reshape({-1}).index_select(0, delta->indices)));
}

TEST(SparseDelta, RandomPositionsAreDistinctAndSorted) {
  const auto p = random_positions(100, 30);
  EXPECT_EQ(std::get<0>(at::_unique(p)).size(0), 30);
  EXPECT_TRUE(torch::equal(p, std::get<0>(p.sort())));
}

}  // namespace
}  // namespace tb
