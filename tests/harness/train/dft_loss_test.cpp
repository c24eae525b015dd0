// DFT's loss (Wu et al. 2025, Eq. 9) against its closed form on a hand-made example, and
// its gradient: the cross-entropy gradient scaled by the detached token probability.
#include "harness/train/dft_loss.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "harness/model/llama.h"

namespace tb {
namespace {

TEST(DftLoss, EqualsTheClosedFormOnAHandMadeExample) {
  // One sequence of three positions over a vocabulary of 3; the middle one is ignored.
  const auto logits = torch::tensor({{{2.0f, 0.0f, 0.0f}, {0.0f, 1.0f, 0.0f}, {0.0f, 0.0f, std::log(3.0f)}}});
  const auto labels = torch::tensor(std::vector<int64_t>{0, kIgnoreLabel, 1}).reshape({1, 3});
  // p_0 = e^2 / (e^2 + 2); p_2 = 1 / (1 + 1 + 3) = 0.2 (label 1 at the last position).
  const double p0 = std::exp(2.0) / (std::exp(2.0) + 2), p2 = 0.2;
  const double expected = (-p0 * std::log(p0) - p2 * std::log(p2)) / (2 + 1e-8);
  EXPECT_NEAR(dft_loss(logits, labels).item<double>(), expected, 1e-6);
  EXPECT_NEAR(training_loss("ce", logits, labels).item<double>(), (-std::log(p0) - std::log(p2)) / 2, 1e-6);
}

TEST(DftLoss, GradientIsTheCrossEntropyGradientWeightedByTheDetachedProbability) {
  torch::manual_seed(0);
  const auto logits = torch::randn({2, 4, 7}, torch::requires_grad());
  auto labels = torch::randint(0, 7, {2, 4}, torch::kInt64);
  labels[0][1] = kIgnoreLabel;
  dft_loss(logits, labels).backward();
  const auto dft_grad = logits.grad().clone();
  // Per token: d/dz [-sg(p) log p] = sg(p) (softmax(z) - onehot(y)); mean over the 7 kept tokens.
  const auto probs = torch::softmax(logits.detach(), -1);
  auto expected = torch::zeros_like(probs);
  for (int64_t b = 0; b < 2; ++b) {
    for (int64_t t = 0; t < 4; ++t) {
      const int64_t y = labels[b][t].item<int64_t>();
      if (y == kIgnoreLabel) continue;
      auto onehot = torch::zeros({7});
      onehot[y] = 1;
      expected[b][t] = probs[b][t][y] * (probs[b][t] - onehot) / 7.0;
    }
  }
  EXPECT_TRUE(torch::allclose(dft_grad, expected, 1e-5, 1e-6)) << (dft_grad - expected).abs().max();
}

}  // namespace
}  // namespace tb
