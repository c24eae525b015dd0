// Fused linear + cross-entropy in vocabulary chunks against the full-logits reference:
// losses and both gradients, chunks that do not divide the vocabulary, ignored tokens,
// bfloat16 inputs, a frozen head, and one chunk as large as the vocabulary.
#include "kernels/linear_cross_entropy.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tests/kernels/kernel_test_util.h"

namespace tb {
namespace {

using testing::relative_difference;

struct Case {
  torch::Tensor hidden, weight, targets, gradient;  // gradient: of the per-token losses
};

Case make_case(int64_t n, int64_t c, int64_t v, torch::ScalarType dtype = torch::kFloat32) {
  torch::manual_seed(3);
  Case k;
  k.hidden = (torch::randn({n, c}) * 2).to(dtype).requires_grad_();
  k.weight = (torch::randn({v, c}) * 0.5).to(dtype).requires_grad_();
  k.targets = torch::randint(v, {n}, torch::kInt64);
  k.targets.index_put_({torch::arange(0, n, 3)}, -100);  // every third token ignored
  k.gradient = torch::rand({n});
  return k;
}

// (losses, d hidden, d weight) of `loss_fn` on the case.
template <typename LossFn>
std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> run(const Case& k, LossFn loss_fn) {
  auto hidden = k.hidden.detach().clone().requires_grad_(), weight = k.weight.detach().clone().requires_grad_();
  auto losses = loss_fn(hidden, weight);
  (losses * k.gradient).sum().backward();
  return {losses.detach(), hidden.grad(), weight.grad()};
}

TEST(LinearCrossEntropy, MatchesTheFullLogitsReferenceInLossAndGradients) {
  const Case k = make_case(24, 16, 37);
  const auto [ref_loss, ref_dh, ref_dw] =
      run(k, [&](auto& h, auto& w) { return kernels::linear_cross_entropy_reference(h, w, k.targets); });
  for (int64_t chunk : {1, 5, 8, 36, 37, 1000}) {
    const auto [loss, dh, dw] = run(k, [&](auto& h, auto& w) { return kernels::linear_cross_entropy(h, w, k.targets, chunk); });
    EXPECT_LT(relative_difference(loss, ref_loss), 1e-6) << "chunk " << chunk;
    EXPECT_LT(relative_difference(dh, ref_dh), 1e-5) << "chunk " << chunk;
    EXPECT_LT(relative_difference(dw, ref_dw), 1e-5) << "chunk " << chunk;
  }
  EXPECT_EQ(ref_loss[0].item<double>(), 0.0) << "ignored tokens have no loss";
  EXPECT_GT(ref_loss[1].item<double>(), 0.0);
}

TEST(LinearCrossEntropy, IgnoredTokensGetNoGradient) {
  const Case k = make_case(12, 8, 20);
  const auto [loss, dh, dw] = run(k, [&](auto& h, auto& w) { return kernels::linear_cross_entropy(h, w, k.targets, 7); });
  EXPECT_EQ(dh[0].abs().sum().item<double>(), 0.0);
  EXPECT_EQ(dh[3].abs().sum().item<double>(), 0.0);
  EXPECT_GT(dh[1].abs().sum().item<double>(), 0.0);
}

TEST(LinearCrossEntropy, BFloat16InputsMatchTheReferenceInTheSamePrecision) {
  const Case k = make_case(32, 64, 300, torch::kBFloat16);
  const auto [ref_loss, ref_dh, ref_dw] =
      run(k, [&](auto& h, auto& w) { return kernels::linear_cross_entropy_reference(h, w, k.targets); });
  const auto [loss, dh, dw] = run(k, [&](auto& h, auto& w) { return kernels::linear_cross_entropy(h, w, k.targets, 64); });
  EXPECT_EQ(loss.scalar_type(), torch::kFloat32) << "losses are reduced in fp32";
  EXPECT_EQ(dh.scalar_type(), torch::kBFloat16);
  EXPECT_LT(relative_difference(loss, ref_loss), 1e-5) << "the same bf16 logits, reduced in fp32";
  EXPECT_LT(relative_difference(dh, ref_dh), 2e-2);
  EXPECT_LT(relative_difference(dw, ref_dw), 2e-2);
}

TEST(LinearCrossEntropy, AFrozenHeadGetsNoGradientAndTheHiddenStatesStillDo) {
  const Case k = make_case(10, 8, 30);
  auto hidden = k.hidden.detach().clone().requires_grad_();
  const auto weight = k.weight.detach();
  kernels::linear_cross_entropy(hidden, weight, k.targets, 4).sum().backward();
  auto reference_hidden = k.hidden.detach().clone().requires_grad_();
  kernels::linear_cross_entropy_reference(reference_hidden, weight, k.targets).sum().backward();
  EXPECT_FALSE(weight.grad().defined());
  EXPECT_LT(relative_difference(hidden.grad(), reference_hidden.grad()), 1e-5);
}

TEST(LinearCrossEntropy, LargeLogitsStayFinite) {
  Case k = make_case(8, 4, 50);
  k.hidden = (k.hidden.detach() * 1e3).requires_grad_();  // logits of order 1e3: exp overflows unless shifted
  const auto [ref_loss, ref_dh, ref_dw] =
      run(k, [&](auto& h, auto& w) { return kernels::linear_cross_entropy_reference(h, w, k.targets); });
  const auto [loss, dh, dw] = run(k, [&](auto& h, auto& w) { return kernels::linear_cross_entropy(h, w, k.targets, 6); });
  EXPECT_TRUE(torch::isfinite(loss).all().item<bool>());
  EXPECT_LT(relative_difference(loss, ref_loss), 1e-6);
  EXPECT_LT(relative_difference(dh, ref_dh), 1e-5);
}

TEST(LinearCrossEntropy, MatchesTheReferenceOnAGpu_CUDA) {
  TB_SKIP_WITHOUT_GPU();
  const Case k = make_case(64, 32, 1000, torch::kBFloat16);
  auto on_gpu = [](const torch::Tensor& t) { return t.detach().to(torch::kCUDA).requires_grad_(t.requires_grad()); };
  Case g{on_gpu(k.hidden), on_gpu(k.weight), k.targets.to(torch::kCUDA), k.gradient.to(torch::kCUDA)};
  const auto [ref_loss, ref_dh, ref_dw] =
      run(g, [&](auto& h, auto& w) { return kernels::linear_cross_entropy_reference(h, w, g.targets); });
  const auto [loss, dh, dw] = run(g, [&](auto& h, auto& w) { return kernels::linear_cross_entropy(h, w, g.targets, 128); });
  EXPECT_LT(relative_difference(loss, ref_loss), 1e-4);
  EXPECT_LT(relative_difference(dh, ref_dh), 2e-2);
  EXPECT_LT(relative_difference(dw, ref_dw), 2e-2);
}

}  // namespace
}  // namespace tb
