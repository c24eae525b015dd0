#include "harness/analysis/spectral.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace tb {
namespace {

torch::Tensor f64(std::vector<double> v) { return torch::tensor(v, torch::kFloat64); }

std::map<std::string, double> as_map(const MatrixSpectrum& m) {
  return std::map<std::string, double>(m.metrics.begin(), m.metrics.end());
}

TEST(Spectral, EffectiveAndStableRankClosedForms) {
  EXPECT_NEAR(effective_rank(torch::ones({7}, torch::kFloat64)), 7.0, 1e-12);
  EXPECT_NEAR(effective_rank(f64({5, 0, 0})), 1.0, 1e-12);
  const double h = -(0.75 * std::log(0.75) + 0.25 * std::log(0.25));  // σ = (3, 1), L1-normalised
  EXPECT_NEAR(effective_rank(f64({3, 1})), std::exp(h), 1e-12);
  EXPECT_NEAR(effective_rank(f64({3, 1, 1e-9}), 1e-6), std::exp(h), 1e-12);
  EXPECT_NEAR(stable_rank(f64({3, 1})), 10.0 / 9.0, 1e-12);
  EXPECT_EQ(numerical_rank(f64({3, 1, 1e-9}), 1e-6), 2);
}

TEST(Spectral, PowerLawFitMatchesTheHandComputedKsChoice) {
  // λ = (1, e, e²). xmin = 1: α = 1 + 3/(0+1+2) = 2, D = 1 - e^-1 - 1/3 = 0.2988;
  // xmin = e: α = 1 + 2/1 = 3, D = 1 - e^-2 - 1/2 = 0.3647. The smaller D wins.
  const auto fit = fit_power_law(f64({1, std::exp(0.5), std::exp(1.0)}));
  EXPECT_NEAR(fit.alpha, 2.0, 1e-12);
  EXPECT_NEAR(fit.xmin, 1.0, 1e-12);
  EXPECT_NEAR(fit.ks_distance, 1 - std::exp(-1.0) - 1.0 / 3, 1e-12);
  EXPECT_EQ(fit.tail_size, 3);
  EXPECT_NEAR(fit.sigma, 1.0 / std::sqrt(3.0), 1e-12);
  EXPECT_TRUE(std::isnan(fit_power_law(f64({1, 2})).alpha));
}

TEST(Spectral, PowerLawFitRecoversAParetoExponent) {
  // λ drawn from a Pareto density ∝ λ^-3 above 1 (inverse CDF λ = u^(-1/2)).
  torch::manual_seed(0);
  const auto u =
      torch::rand({4000}, torch::TensorOptions().dtype(torch::kFloat64)).clamp_min(1e-12);
  const auto lambda = u.pow(-0.5);
  const auto fit = fit_power_law(lambda.sqrt());
  EXPECT_NEAR(fit.alpha, 3.0, 0.15);
  EXPECT_LT(fit.ks_distance, 0.05);
}

TEST(Spectral, ARankOneSpikeOffTheBaseBasisIsOneIntruder) {
  const int64_t m = 20;
  const auto base = torch::diag(torch::arange(1, m + 1, torch::kFloat64));  // left vectors: e_i
  const auto u = torch::ones({m, 1}, torch::kFloat64) / std::sqrt(double(m));
  const auto v = torch::zeros({1, m}, torch::kFloat64).index_put_({0, 0}, 1.0);
  const auto spiked = base + 100 * torch::matmul(u, v);
  const auto metrics = as_map(analyze_matrix("w", base, spiked));
  EXPECT_EQ(metrics.at("intruders"), 1.0);
  EXPECT_NEAR(metrics.at("intruder_similarity@rank=1"), 1 / std::sqrt(double(m)), 0.02);
  EXPECT_EQ(metrics.at("update_rank"), 1.0);
  EXPECT_NEAR(metrics.at("update_sigma_max"), 100.0, 1e-9);
  EXPECT_NEAR(metrics.at("update_erank"), 1.0, 1e-9);

  torch::manual_seed(1);
  const auto nudged = base + 1e-3 * torch::randn({m, m}, torch::kFloat64);
  const auto quiet = as_map(analyze_matrix("w", base, nudged));
  EXPECT_EQ(quiet.at("intruders"), 0.0);
  EXPECT_GT(quiet.at("intruder_similarity@rank=10"), 0.99);
}

TEST(Spectral, IntruderSimilarityIsAMaxAbsoluteCosine) {
  const auto reference = torch::eye(3, torch::kFloat64);
  const auto top = f64({-0.6, 0.8, 0.0}).reshape({3, 1});
  EXPECT_NEAR(intruder_similarities(top, reference)[0], 0.8, 1e-12);
}

TEST(Spectral, LowRankUpdateMetricsAndBaseMetrics) {
  torch::manual_seed(2);
  const auto base = torch::randn({48, 32}, torch::kFloat32);
  const auto update = torch::matmul(torch::randn({48, 3}), torch::randn({3, 32})) * 0.1;
  const auto metrics = as_map(analyze_matrix("w", base, base + update));
  EXPECT_EQ(metrics.at("update_rank"),
            3.0);  // fp32 rounding of the merged weight stays below tolerance
  EXPECT_GE(metrics.at("update_erank"), 1.0);
  EXPECT_LE(metrics.at("update_erank"), 3.0);
  const auto s0 = torch::linalg_svdvals(base.to(torch::kFloat64));
  EXPECT_NEAR(metrics.at("base_erank"), effective_rank(s0), 1e-9);
  EXPECT_NEAR(metrics.at("base_sigma_max"), s0.max().item<double>(), 1e-9);
  EXPECT_NEAR(metrics.at("base_alpha_hat"),
              fit_power_law(s0).alpha * std::log10(std::pow(s0.max().item<double>(), 2)), 1e-9);
  EXPECT_NEAR(metrics.at("update_frobenius_norm"), update.to(torch::kFloat64).norm().item<double>(),
              1e-5);
}

TEST(Spectral, OnlyChangedMatricesAreAnalysed) {
  torch::manual_seed(3);
  const auto w = torch::randn({8, 8});
  const auto bias = torch::randn({8});
  std::vector<std::pair<std::string, torch::Tensor>> base{
      {"a", w}, {"b", w.clone()}, {"bias", bias}};
  std::vector<std::pair<std::string, torch::Tensor>> tuned{
      {"a", w}, {"b", w + 0.1}, {"bias", bias + 1}};
  const auto out = analyze_changed_matrices(base, tuned);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].matrix, "b");
}

TEST(Spectral, RandomizedSvdAgreesWithTheExactOne) {
  torch::manual_seed(4);
  // 600×400 with singular values 0.9^i: the regime of trained weights, no exact gaps.
  auto [Q1, R1] = torch::linalg_qr(torch::randn({600, 400}, torch::kFloat64));
  auto [Q2, R2] = torch::linalg_qr(torch::randn({400, 400}, torch::kFloat64));
  const auto s = torch::pow(0.9, torch::arange(400, torch::kFloat64));
  const auto A = torch::matmul(Q1 * s, Q2.transpose(0, 1));
  // Halko et al.'s bound: errors shrink like (σ_l+1 / σ_k)^(2q+1), here 0.9^(10·9) ≈ 1e-4 in
  // the subspace and its square in the singular values.
  const auto r = randomized_svd(A, 10);
  EXPECT_LT(((r.S - s.narrow(0, 0, 10)).abs() / s.narrow(0, 0, 10)).max().item<double>(), 1e-7);
  EXPECT_GT(subspace_similarity(r.U, Q1.narrow(1, 0, 10)).phi, 1 - 1e-7);
  EXPECT_GT(subspace_similarity(r.V, Q2.narrow(1, 0, 10)).phi, 1 - 1e-7);
}

TEST(Spectral, SubspaceSimilarityIsOneForTheSameSpanAndZeroForOrthogonalSpans) {
  const auto I = torch::eye(6, torch::kFloat64);
  const auto U = I.narrow(1, 0, 2);
  const double c = std::cos(0.3), s = std::sin(0.3);
  const auto rotation = f64({c, -s, s, c}).reshape({2, 2});
  EXPECT_NEAR(subspace_similarity(U, torch::matmul(U, rotation)).phi, 1.0, 1e-12);
  EXPECT_NEAR(subspace_similarity(U, torch::matmul(U, rotation)).grassmann, 0.0, 1e-6);
  const auto orthogonal = subspace_similarity(U, I.narrow(1, 2, 3));
  EXPECT_NEAR(orthogonal.phi, 0.0, 1e-12);
  EXPECT_NEAR(orthogonal.grassmann, std::sqrt(2.0) * M_PI / 2, 1e-12);
  // One shared direction of two: φ = 1/2 (Hu et al.'s normalisation by min(i, j)).
  EXPECT_NEAR(subspace_similarity(U, I.narrow(1, 1, 2)).phi, 0.5, 1e-12);
}

}  // namespace
}  // namespace tb

namespace tb {
namespace {

TEST(Spectral, CompareUpdatesSeesSharedColumnSpacesAndSkipsUnchangedMatrices) {
  torch::manual_seed(5);
  const auto w0 = torch::randn({30, 20});
  const auto left = torch::randn({30, 2}), right_a = torch::randn({2, 20}),
             right_b = torch::randn({2, 20});
  std::vector<std::pair<std::string, torch::Tensor>> base{{"w", w0}, {"same", w0.clone()}};
  std::vector<std::pair<std::string, torch::Tensor>> a{{"w", w0 + torch::matmul(left, right_a)},
                                                       {"same", w0.clone()}};
  std::vector<std::pair<std::string, torch::Tensor>> b{{"w", w0 + torch::matmul(left, right_b)},
                                                       {"same", w0 + 1}};
  const auto out = compare_updates(base, a, b, 2);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].matrix, "w");
  EXPECT_NEAR(out[0].left.phi, 1.0, 1e-6);  // both updates span the columns of `left`
  EXPECT_LT(out[0].right.phi, 0.9);         // independent row spaces
}

}  // namespace
}  // namespace tb

namespace tb {
namespace {

TEST(Spectral, ASmallUpdateToFloat32WeightsKeepsItsRank) {
  // A rank-2 update far smaller than the weights: the rounding of the merged fp32 weight
  // must not count as extra rank.
  torch::manual_seed(6);
  const auto base = torch::randn({128, 384}) * 0.02;
  const auto update = torch::matmul(torch::randn({128, 2}), torch::randn({2, 384})) * 1e-5;
  const auto metrics = as_map(analyze_matrix("w", base, base + update));
  EXPECT_EQ(metrics.at("update_rank"), 2.0);
}

TEST(Spectral, CompareUpdatesCutsEachSideToItsUpdatesRank) {
  // Identical rank-2 updates compared at rank 8: φ is 1, not diluted by 6 noise directions.
  torch::manual_seed(7);
  const auto w0 = torch::randn({40, 30});
  const auto tuned = w0 + torch::matmul(torch::randn({40, 2}), torch::randn({2, 30}));
  std::vector<std::pair<std::string, torch::Tensor>> base{{"w", w0}}, a{{"w", tuned}},
      b{{"w", tuned.clone()}};
  const auto out = compare_updates(base, a, b, 8);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NEAR(out[0].left.phi, 1.0, 1e-6);
  EXPECT_NEAR(out[0].right.phi, 1.0, 1e-6);
}

}  // namespace
}  // namespace tb
