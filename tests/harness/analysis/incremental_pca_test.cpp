#include "harness/analysis/incremental_pca.h"

#include <gtest/gtest.h>

namespace tb {
namespace {

TEST(IncrementalPca, BatchesGiveTheSamePcaAsAllDataAtOnce) {
  torch::manual_seed(0);
  // Data of rank 5 in 8 dimensions plus an offset: keeping 6 >= 5 components loses
  // nothing, so the incremental result equals the PCA of everything.
  const auto data =
      torch::mm(torch::randn({90, 5}, torch::kFloat64), torch::randn({5, 8}, torch::kFloat64)) +
      3.0;
  IncrementalPca ipca(6);
  for (int64_t b = 0; b < 3; ++b) ipca.partial_fit(data.narrow(0, 30 * b, 30));
  const auto centred = data - data.mean(0);
  const auto [U, S, Vh] = torch::linalg_svd(centred, false);
  EXPECT_EQ(ipca.samples_seen(), 90);
  EXPECT_TRUE(torch::allclose(ipca.mean(), data.mean(0), 1e-10, 1e-10));
  EXPECT_TRUE(
      torch::allclose(ipca.singular_values().narrow(0, 0, 5), S.narrow(0, 0, 5), 1e-8, 1e-8));
  // Same subspace, same signs up to svd_flip: compare |cosines| of the top 5.
  const auto cosines = (ipca.components().narrow(0, 0, 5) * Vh.narrow(0, 0, 5)).sum(1).abs();
  EXPECT_TRUE(torch::allclose(cosines, torch::ones({5}, torch::kFloat64), 1e-8, 1e-8));
  // Explained variance ratios sum to 1 when every direction of variance is kept.
  EXPECT_NEAR(ipca.explained_variance_ratio().sum().item<double>(), 1.0, 1e-10);
}

TEST(IncrementalPca, LargestEntryOfEachComponentIsPositive) {
  torch::manual_seed(1);
  IncrementalPca ipca(3);
  ipca.partial_fit(torch::randn({20, 6}));
  const auto c = ipca.components();
  const auto largest = c.abs().argmax(1, true);
  EXPECT_TRUE((c.gather(1, largest) > 0).all().item<bool>());
}

}  // namespace
}  // namespace tb
