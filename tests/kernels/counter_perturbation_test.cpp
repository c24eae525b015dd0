// The counter-based generator behind MeZO's perturbation: Philox4x32-10 against Random123's
// published known-answer vectors (kat_vectors, as reproduced in DEShawResearch's own tests),
// the normals' distribution, the in-place perturbation against the materialised reference
// in every dtype, and the restoration after +eps, -2 eps, +eps.
#include "kernels/counter_perturbation.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "kernels/philox.h"
#include "tests/kernels/kernel_test_util.h"

namespace tb {
namespace {

TEST(Philox, MatchesRandom123sKnownAnswers) {
  struct Known {
    uint32_t counter[4], key[2], out[4];
  };
  const Known known[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const Known& k : known) {
    const auto got = kernels::philox4x32_10(k.counter[0], k.counter[1], k.counter[2], k.counter[3], k.key[0], k.key[1]);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(got.word[i], k.out[i]) << "word " << i << " of counter " << k.counter[0];
  }
}

TEST(CounterNormal, IsStandardNormalAndIndependentAcrossStreamsAndSeeds) {
  const auto a = kernels::counter_normal({1 << 20}, 42, 0, torch::kFloat64);
  EXPECT_NEAR(a.mean().item<double>(), 0.0, 5e-3);  // 5 standard errors of the mean
  EXPECT_NEAR(a.std().item<double>(), 1.0, 5e-3);
  EXPECT_NEAR((a.pow(4).mean().item<double>()), 3.0, 3e-2) << "normal kurtosis";
  // Kolmogorov-Smirnov distance to the normal CDF: 1.63 / sqrt(n) is its 1% critical value.
  const auto sorted = std::get<0>(a.sort());
  const auto cdf = 0.5 * torch::erfc(-sorted / std::sqrt(2.0));
  const auto empirical = torch::arange(1, a.numel() + 1, torch::kFloat64) / double(a.numel());
  EXPECT_LT((cdf - empirical).abs().max().item<double>(), 1.63 / std::sqrt(double(a.numel())));
  const auto other_stream = kernels::counter_normal({1 << 20}, 42, 1, torch::kFloat64);
  const auto other_seed = kernels::counter_normal({1 << 20}, 43, 0, torch::kFloat64);
  EXPECT_NEAR((a * other_stream).mean().item<double>(), 0.0, 5e-3) << "streams are uncorrelated";
  EXPECT_NEAR((a * other_seed).mean().item<double>(), 0.0, 5e-3) << "seeds are uncorrelated";
  EXPECT_TRUE(torch::equal(a, kernels::counter_normal({1 << 20}, 42, 0, torch::kFloat64))) << "regenerated exactly";
}

TEST(CounterPerturbation, EqualsAddingTheMaterialisedReferenceInEveryDtype) {
  for (const auto dtype : {torch::kFloat32, torch::kFloat64, torch::kBFloat16}) {
    torch::manual_seed(1);
    const std::vector<torch::Tensor> params = {torch::randn({7, 5}).to(dtype), torch::randn({5}).to(dtype),
                                               torch::randn({3, 2, 2}).to(dtype), torch::randn({1}).to(dtype)};
    std::vector<torch::Tensor> expected;
    for (size_t k = 0; k < params.size(); ++k)
      expected.push_back(params[k].clone().add_(kernels::counter_normal(params[k].sizes(), 9, uint32_t(k), params[k].options()), 0.1));
    std::vector<torch::Tensor> perturbed;
    for (const auto& p : params) perturbed.push_back(p.clone());
    kernels::perturb_with_counter_normals_(perturbed, 9, 0.1);  // visible in bf16 too
    for (size_t k = 0; k < params.size(); ++k) {
      // Within one rounding of the dtype: LibTorch's add_ may fuse the multiply and the add.
      const double tolerance = dtype == torch::kBFloat16 ? 8e-3 : 1e-6;
      EXPECT_TRUE(torch::allclose(perturbed[k], expected[k], tolerance, 0)) << c10::toString(dtype) << " tensor " << k;
      EXPECT_FALSE(torch::equal(perturbed[k], params[k])) << c10::toString(dtype) << " tensor " << k;
    }
  }
}

TEST(CounterPerturbation, PlusMinusTwiceThenPlusRestoresTheParameters) {
  torch::manual_seed(2);
  std::vector<torch::Tensor> params = {torch::randn({300, 17}), torch::randn({17})};
  const auto before = params[0].clone();
  kernels::perturb_with_counter_normals_(params, 77, 1e-3);
  kernels::perturb_with_counter_normals_(params, 77, -2e-3);
  kernels::perturb_with_counter_normals_(params, 77, 1e-3);
  EXPECT_TRUE(torch::allclose(params[0], before, 0, 1e-6)) << "the same z each time, up to fp32 rounding";
}

TEST(CounterPerturbation, TheGpuKernelMatchesTheCpu_CUDA) {
  TB_SKIP_WITHOUT_GPU();
  for (const auto dtype : {torch::kFloat32, torch::kBFloat16}) {
    torch::manual_seed(4);
    std::vector<torch::Tensor> cpu = {torch::randn({1000, 33}).to(dtype), torch::randn({5}).to(dtype), torch::randn({4096}).to(dtype)};
    std::vector<torch::Tensor> gpu;
    for (const auto& p : cpu) gpu.push_back(p.to(torch::kCUDA));
    kernels::perturb_with_counter_normals_(cpu, 123, -3e-3);
    kernels::perturb_with_counter_normals_(gpu, 123, -3e-3);
    for (size_t k = 0; k < cpu.size(); ++k) {
      // z agrees wherever CUDA's and the C library's double log, sin and cos round alike.
      EXPECT_LT(testing::relative_difference(gpu[k], cpu[k]), 1e-6) << c10::toString(dtype) << " tensor " << k;
    }
  }
}

}  // namespace
}  // namespace tb
