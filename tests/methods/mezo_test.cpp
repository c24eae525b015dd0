// MeZO (Malladi et al. 2023, Algorithm 1): the perturbation regenerates bit-identically
// from its seed; on a quadratic the two-point estimate is exactly the directional
// derivative z . grad L; the update is -lr g z; the parameters come back after the two
// perturbed passes. (Loss falling on a small task, merging and checkpoint resume are in
// method_contract_test.cpp.)
#include "methods/mezo.h"

#include <gtest/gtest.h>

#include <cmath>

#include "kernels/counter_perturbation.h"
#include "methods/registry.h"

namespace tb {
namespace {

TEST(Mezo, TheSameSeedRegeneratesTheSamePerturbationBitForBit) {
  const std::vector<torch::Tensor> params = {torch::zeros({7, 5}), torch::zeros({5}), torch::zeros({3, 2, 2})};
  auto draw = [&](uint64_t seed) {
    std::vector<torch::Tensor> z;
    for (size_t k = 0; k < params.size(); ++k)
      z.push_back(kernels::counter_normal(params[k].sizes(), seed, uint32_t(k), params[k].options()));
    return z;
  };
  const auto a = draw(42), b = draw(42), c = draw(43);
  for (size_t i = 0; i < params.size(); ++i) {
    EXPECT_TRUE(torch::equal(a[i], b[i])) << i;
    EXPECT_FALSE(torch::equal(a[i], c[i])) << i;
    EXPECT_EQ(a[i].sizes(), params[i].sizes());
  }
  // Perturbing by +eps then -eps with the optimiser's own regeneration restores theta
  // up to rounding: the same z both times.
  MezoOptimizer optimizer({torch::randn({50, 20})}, 0.1, 1e-3, 0, 7);
  const auto before = optimizer.param_groups()[0].params()[0].clone();
  optimizer.perturb(optimizer.step_seed(3), 1e-3);
  EXPECT_FALSE(torch::equal(optimizer.param_groups()[0].params()[0], before));
  optimizer.perturb(optimizer.step_seed(3), -1e-3);
  EXPECT_TRUE(torch::allclose(optimizer.param_groups()[0].params()[0], before, 0, 1e-6));
  EXPECT_NE(optimizer.step_seed(3), optimizer.step_seed(4));
}

TEST(Mezo, OnAQuadraticTheEstimateIsTheDirectionalDerivative) {
  torch::manual_seed(0);
  const auto options = torch::TensorOptions().dtype(torch::kFloat64);
  const auto m = torch::randn({6, 6}, options);
  const auto a = m.mm(m.t()) + torch::eye(6, options);  // symmetric positive definite
  const auto b = torch::randn({6}, options);
  auto theta = torch::randn({6}, options);
  auto loss_at = [&](const torch::Tensor& t) { return 0.5 * t.dot(a.mv(t)) + b.dot(t); };
  const auto theta0 = theta.clone();
  const double lr = 0.01, eps = 1e-3;
  MezoOptimizer optimizer({theta}, lr, eps, 0, 11);
  const auto z = kernels::counter_normal(theta.sizes(), optimizer.step_seed(0), 0, theta.options());
  const auto loss_plus = optimizer.step([&] { return loss_at(theta); });
  const double directional = z.dot(a.mv(theta0) + b).item<double>();
  // Central differences are exact for a quadratic: only rounding separates them.
  EXPECT_NEAR(optimizer.progress->last_projected_gradient, directional, 1e-8 * (1 + std::abs(directional)));
  EXPECT_NEAR(loss_plus.item<double>(), loss_at(theta0 + eps * z).item<double>(), 1e-12);
  EXPECT_TRUE(torch::allclose(theta, theta0 - lr * optimizer.progress->last_projected_gradient * z, 0, 1e-12));
  EXPECT_EQ(optimizer.progress->steps_done, 1);
}

TEST(Mezo, ManyStepsDescendAQuadraticInExpectation) {
  const auto options = torch::TensorOptions().dtype(torch::kFloat64);
  auto theta = torch::full({20}, 3.0, options);
  auto loss_at = [&] { return 0.5 * theta.dot(theta); };
  const double start = loss_at().item<double>();
  MezoOptimizer optimizer({theta}, 0.02, 1e-3, 0, 5);
  for (int i = 0; i < 400; ++i) optimizer.step([&] { return loss_at(); });
  EXPECT_LT(loss_at().item<double>(), 0.2 * start);
}

TEST(Mezo, ANonFiniteLossUpdatesNothing) {
  auto theta = torch::ones({4}, torch::kFloat64);
  MezoOptimizer optimizer({theta}, 0.1, 1e-3, 0, 3);
  int calls = 0;
  const auto loss = optimizer.step([&] {
    return torch::full({}, ++calls == 2 ? std::nan("") : 1.0, torch::kFloat64);  // l- is NaN
  });
  EXPECT_TRUE(std::isnan(loss.item<double>())) << "the trainer sees the NaN and stops the run";
  EXPECT_TRUE(torch::allclose(theta, torch::ones({4}, torch::kFloat64), 0, 1e-12));
  EXPECT_EQ(optimizer.progress->steps_done, 0);
}

TEST(Mezo, DetailsOutliveTheOptimiser) {
  const MethodInfo* info = find_method("mezo");
  nlohmann::json hp;
  for (const auto& f : info->hyperparameters) hp[f.name] = f.default_value;
  auto method = info->make(hp);
  torch::manual_seed(0);
  auto p = torch::zeros({3}, torch::kFloat64);
  {
    auto optimizer = method->make_optimizer({p}, TrainingOptions{});
    optimizer->step([&] { return p.sum(); });
    optimizer->step([&] { return p.sum(); });
  }  // the trainer destroys its optimiser before the worker asks for the details
  EXPECT_EQ(method->details().at("steps"), 2);
  EXPECT_NE(method->details().at("last_projected_gradient").get<double>(), 0.0) << "z . grad(sum) = sum(z)";
}

TEST(Mezo, WeightDecaySkipsVectors) {
  auto matrix = torch::ones({3, 3}, torch::kFloat64), vector = torch::ones({3}, torch::kFloat64);
  MezoOptimizer optimizer({matrix, vector}, 0.5, 1e-3, 0.1, 1);
  optimizer.step([] { return torch::zeros({}, torch::kFloat64); });  // g = 0: only decay moves
  EXPECT_TRUE(torch::allclose(matrix, torch::full({3, 3}, 0.95, torch::kFloat64)));
  // Unchanged but for the rounding of the +eps z, -2 eps z, +eps z perturbations.
  EXPECT_TRUE(torch::allclose(vector, torch::ones({3}, torch::kFloat64), 0, 1e-12));
}

}  // namespace
}  // namespace tb
