// Rotary embedding of q and k: the reference against the closed form of a rotation, the
// q/k entry point (the projections' layout) against the reference, gradients as the
// transposed rotation, per-row positions, and the fused GPU kernel against the reference.
#include "kernels/rotary_embedding.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "tests/kernels/kernel_test_util.h"

namespace tb {
namespace {

// Hugging Face's tables for positions [0, t), head_dim d, base theta: (t, d).
std::pair<torch::Tensor, torch::Tensor> tables(int64_t t, int64_t d, double theta = 10000) {
  const auto inv_freq = 1.0 / torch::pow(theta, torch::arange(0, d, 2, torch::kFloat64) / double(d));
  const auto freqs = torch::outer(torch::arange(t, torch::kFloat64), inv_freq);
  const auto emb = torch::cat({freqs, freqs}, -1);
  return {emb.cos().to(torch::kFloat32), emb.sin().to(torch::kFloat32)};
}

TEST(RotaryEmbedding, TheReferenceRotatesEachPairByPositionTimesFrequency) {
  const auto [cos, sin] = tables(5, 4, 100.0);
  const auto x = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({1, 1, 1, 4}).expand({1, 1, 5, 4}).contiguous();
  const auto y = kernels::rotary_reference(x, cos, sin);
  for (int64_t p = 0; p < 5; ++p) {
    for (int64_t i = 0; i < 2; ++i) {  // pair (i, i + 2) turns by p * 100^(-2i/4)
      const double angle = double(p) * std::pow(100.0, -double(2 * i) / 4.0);
      const double a = x[0][0][p][i].item<double>(), b = x[0][0][p][i + 2].item<double>();
      EXPECT_NEAR(y[0][0][p][i].item<double>(), a * std::cos(angle) - b * std::sin(angle), 1e-5);
      EXPECT_NEAR(y[0][0][p][i + 2].item<double>(), b * std::cos(angle) + a * std::sin(angle), 1e-5);
    }
  }
}

TEST(RotaryEmbedding, QAndKInTheProjectionsLayoutEqualTheReferencePerHeadAndKeepNorms) {
  torch::manual_seed(6);
  const auto [cos, sin] = tables(9, 8);
  const auto q = torch::randn({2, 9, 4, 8}), k = torch::randn({2, 9, 2, 8});  // (B, T, H, D), grouped KV
  const auto [q_out, k_out] = kernels::rotary_qk(q, k, cos, sin);
  EXPECT_TRUE(torch::equal(q_out.transpose(1, 2), kernels::rotary_reference(q.transpose(1, 2), cos, sin)));
  EXPECT_TRUE(torch::equal(k_out.transpose(1, 2), kernels::rotary_reference(k.transpose(1, 2), cos, sin)));
  EXPECT_TRUE(torch::allclose(q_out.norm(2, -1), q.norm(2, -1), 1e-5, 1e-5)) << "a rotation keeps each head's norm";
}

TEST(RotaryEmbedding, TheGradientIsTheTransposedRotation) {
  torch::manual_seed(7);
  const auto [cos, sin] = tables(6, 8);
  auto q = torch::randn({1, 6, 2, 8}).requires_grad_(), k = torch::randn({1, 6, 2, 8}).requires_grad_();
  const auto gq = torch::randn({1, 6, 2, 8}), gk = torch::randn({1, 6, 2, 8});
  const auto [q_out, k_out] = kernels::rotary_qk(q, k, cos, sin);
  ((q_out * gq).sum() + (k_out * gk).sum()).backward();
  // The inverse rotation: the same tables with sin negated.
  const auto inverse = kernels::rotary_reference(gq.transpose(1, 2), cos, -sin).transpose(1, 2);
  EXPECT_TRUE(torch::allclose(q.grad(), inverse, 1e-5, 1e-6));
}

TEST(RotaryEmbedding, TheFusedKernelMatchesTheReferenceForwardAndBackward_CUDA) {
  TB_SKIP_WITHOUT_GPU();
  for (const auto dtype : {torch::kFloat32, torch::kBFloat16}) {
    for (const bool per_row : {false, true}) {
      torch::manual_seed(8);
      auto [cos, sin] = tables(16, 64);
      if (per_row) {  // (B, 1, T, D): each row's own positions (PoSE)
        const auto positions = torch::randint(16, {3, 16}, torch::kInt64);
        cos = cos.index_select(0, positions.reshape({-1})).view({3, 1, 16, 64});
        sin = sin.index_select(0, positions.reshape({-1})).view({3, 1, 16, 64});
      }
      const auto q = torch::randn({3, 16, 8, 64}).to(dtype), k = torch::randn({3, 16, 2, 64}).to(dtype);
      const auto gq = torch::randn({3, 16, 8, 64}).to(dtype), gk = torch::randn({3, 16, 2, 64}).to(dtype);
      auto run = [&](bool on_gpu) {
        const torch::Device d = on_gpu ? torch::kCUDA : torch::kCPU;
        auto qi = q.to(d).requires_grad_(), ki = k.to(d).requires_grad_();
        auto [qo, ko] = kernels::rotary_qk(qi, ki, cos.to(d), sin.to(d));
        ((qo * gq.to(d)).sum() + (ko * gk.to(d)).sum()).backward();
        return std::make_tuple(qo.detach().cpu(), ko.detach().cpu(), qi.grad().cpu(), ki.grad().cpu());
      };
      const auto [q_ref, k_ref, dq_ref, dk_ref] = run(false);
      const auto [q_gpu, k_gpu, dq_gpu, dk_gpu] = run(true);
      // The kernel computes in fp32 and rounds once; the reference rounds each operation.
      const double tolerance = dtype == torch::kBFloat16 ? 2e-2 : 1e-5;
      EXPECT_LT(testing::relative_difference(q_gpu, q_ref), tolerance);
      EXPECT_LT(testing::relative_difference(k_gpu, k_ref), tolerance);
      EXPECT_LT(testing::relative_difference(dq_gpu, dq_ref), tolerance);
      EXPECT_LT(testing::relative_difference(dk_gpu, dk_ref), tolerance);
    }
  }
}

}  // namespace
}  // namespace tb
