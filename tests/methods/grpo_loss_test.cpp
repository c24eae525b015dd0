// GRPO's and DPO's losses on worked examples: the hand-computed gradient of a two-completion
// group, no policy gradient from a group whose rewards are all equal, the clip acting only
// where the ratio leaves [1 - eps, 1 + eps] in the advantage's direction, the aggregations,
// and DPO's log 2 at policy = reference and its closed form.
#include "methods/grpo_loss.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "methods/dpo_loss.h"

namespace tb {
namespace {

TEST(GrpoLoss, AdvantagesAreGroupNormalisedWithTheUnbiasedStd) {
  const auto a = group_advantages(torch::tensor({1.0, 0.0, 0.0, 0.0, 1.0, 1.0}), 3, true);
  // Group 1: mean 1/3, unbiased std sqrt(1/3); group 2: mean 2/3.
  const double s = std::sqrt(1.0 / 3.0) + 1e-4;
  const std::vector<double> expected = {(2.0 / 3) / s, (-1.0 / 3) / s, (-1.0 / 3) / s,
                                        (-2.0 / 3) / s, (1.0 / 3) / s, (1.0 / 3) / s};
  for (int64_t i = 0; i < 6; ++i) EXPECT_NEAR(a[i].item<double>(), expected[size_t(i)], 1e-6) << i;
  const auto dr = group_advantages(torch::tensor({1.0, 0.0, 0.0, 0.0, 1.0, 1.0}), 3, false);
  EXPECT_NEAR(dr[0].item<double>(), 2.0 / 3, 1e-7);  // Dr. GRPO: no std division
}

TEST(GrpoLoss, TwoCompletionsByHand) {
  // One group, rewards (1, 0): A = (+0.5, -0.5) / (sqrt(0.5) + 1e-4). Completion 1 has 2
  // tokens, completion 2 has 3. mu = 1: pi_old = pi, ratio 1, loss = -mean_i mean_t A_i.
  // d loss / d logp_i,t = -A_i / |o_i| / 2.
  const auto logp = torch::tensor({{-1.0, -2.0, 0.0}, {-0.5, -0.7, -0.9}}).requires_grad_(true);
  const auto mask = torch::tensor({{1.0, 1.0, 0.0}, {1.0, 1.0, 1.0}});
  const auto adv = group_advantages(torch::tensor({1.0, 0.0}), 2, true);
  const double a = 0.5 / (std::sqrt(0.5) + 1e-4);
  const GrpoLoss l = grpo_loss(logp, logp.detach(), {}, adv, mask, {});
  EXPECT_NEAR(l.loss.item<double>(), -(a - a) / 2, 1e-6);
  l.loss.backward();
  const auto g = logp.grad();
  EXPECT_NEAR(g[0][0].item<double>(), -a / 2 / 2, 1e-6);
  EXPECT_NEAR(g[0][1].item<double>(), -a / 2 / 2, 1e-6);
  EXPECT_EQ(g[0][2].item<double>(), 0.0);
  EXPECT_NEAR(g[1][0].item<double>(), a / 3 / 2, 1e-6);
  EXPECT_NEAR(g[1][2].item<double>(), a / 3 / 2, 1e-6);
  EXPECT_EQ(l.clip_fraction, 0.0);

  // Per token (DAPO): every token weighs 1/5; Dr. GRPO: 1 / (2 x max_new_tokens = 8).
  for (const auto& [aggregation, weight] : {std::pair<std::string, double>{"dapo", 1.0 / 5}, {"dr_grpo", 1.0 / 8}}) {
    const auto p = logp.detach().clone().requires_grad_(true);
    grpo_loss(p, p.detach(), {}, adv, mask, {.aggregation = aggregation, .max_new_tokens = 4}).loss.backward();
    EXPECT_NEAR(p.grad()[0][0].item<double>(), -a * weight, 1e-6) << aggregation;
    EXPECT_NEAR(p.grad()[1][1].item<double>(), a * weight, 1e-6) << aggregation;
  }
}

TEST(GrpoLoss, TheKlTermIsK3AndVanishesAtTheReference) {
  const auto logp = torch::tensor({{-1.0, -2.0}}).requires_grad_(true);
  const auto ref = torch::tensor({{-1.5, -2.0}});
  const auto mask = torch::ones({1, 2});
  const auto adv = torch::zeros({1});
  const GrpoLoss l = grpo_loss(logp, logp.detach(), ref, adv, mask, {.beta = 0.1});
  const double k3 = std::exp(-0.5) - (-0.5) - 1;  // token 1; token 2 is at the reference: 0
  EXPECT_NEAR(l.kl, k3 / 2, 1e-7);
  EXPECT_NEAR(l.loss.item<double>(), 0.1 * k3 / 2, 1e-7);
  l.loss.backward();
  // d k3 / d logp = 1 - exp(ref - logp)
  EXPECT_NEAR(logp.grad()[0][0].item<double>(), 0.1 * (1 - std::exp(-0.5)) / 2, 1e-7);
  EXPECT_NEAR(logp.grad()[0][1].item<double>(), 0.0, 1e-9);
}

TEST(GrpoLoss, ClippingBitesOnlyBeyondTheRangeInTheAdvantagesDirection) {
  // Ratios exp(0.3) = 1.35 (above 1 + 0.2) and exp(-0.3) = 0.74 (below 1 - 0.2).
  const auto old = torch::zeros({2, 2});
  const auto logp = torch::tensor({{0.3, -0.3}, {0.3, -0.3}}).requires_grad_(true);
  const auto mask = torch::ones({2, 2});
  const auto adv = torch::tensor({1.0, -1.0});
  const GrpoLoss l = grpo_loss(logp, old, {}, adv, mask, {});
  l.loss.backward();
  const auto g = logp.grad();
  // A > 0: the high ratio is clipped (no gradient), the low one is not.
  EXPECT_EQ(g[0][0].item<double>(), 0.0);
  EXPECT_NEAR(g[0][1].item<double>(), -std::exp(-0.3) / 4, 1e-6);
  // A < 0: the low ratio is clipped, the high one is not.
  EXPECT_NEAR(g[1][0].item<double>(), std::exp(0.3) / 4, 1e-6);
  EXPECT_EQ(g[1][1].item<double>(), 0.0);
  EXPECT_NEAR(l.clip_fraction, 0.5, 1e-9);
  // DAPO's clip-higher: a wider upper range lets the high ratio through.
  const auto p = logp.detach().clone().requires_grad_(true);
  grpo_loss(p, old, {}, adv, mask, {.clip_high = 0.4}).loss.backward();
  EXPECT_NEAR(p.grad()[0][0].item<double>(), -std::exp(0.3) / 4, 1e-6);
}

TEST(DpoLoss, IsLogTwoWhenThePolicyIsTheReference) {
  const auto pc = torch::tensor({-3.0, -5.0}), pr = torch::tensor({-4.0, -2.0});
  const DpoLoss l = dpo_loss(pc, pr, pc, pr, 0.1);
  EXPECT_NEAR(l.loss.item<double>(), std::log(2.0), 1e-7);
  EXPECT_EQ(l.reward_accuracy, 0.0);
  EXPECT_EQ(l.reward_margin, 0.0);
}

TEST(DpoLoss, MatchesTheClosedFormOnAWorkedExample) {
  // h = 0.5 [(-2 - -3) - (-6 - -4)] = 0.5 (1 + 2) = 1.5; loss = log(1 + e^-1.5).
  const auto pc = torch::tensor({-2.0}).requires_grad_(true);
  const auto pr = torch::tensor({-6.0}).requires_grad_(true);
  const DpoLoss l = dpo_loss(pc, pr, torch::tensor({-3.0}), torch::tensor({-4.0}), 0.5);
  EXPECT_NEAR(l.loss.item<double>(), std::log1p(std::exp(-1.5)), 1e-7);
  EXPECT_EQ(l.reward_accuracy, 1.0);
  EXPECT_NEAR(l.reward_margin, 1.5, 1e-7);
  l.loss.backward();
  // d loss / d policy_chosen = -beta sigmoid(-h); rejected: +beta sigmoid(-h).
  const double s = 1.0 / (1.0 + std::exp(1.5));
  EXPECT_NEAR(pc.grad().item<double>(), -0.5 * s, 1e-7);
  EXPECT_NEAR(pr.grad().item<double>(), 0.5 * s, 1e-7);
}

}  // namespace
}  // namespace tb
