#include "methods/pissa.h"

#include <gtest/gtest.h>

#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

TEST(Pissa, AdapterHoldsThePrincipalPartAndTheResidualTheRest) {
  torch::manual_seed(0);
  LlamaForCausalLM model(testing::tiny_config());
  auto proj = model->model->blocks[1]->mlp->up_proj;  // (48, 32)
  const auto w = proj->weight.clone();
  LoraOptions o;
  o.rank = 4;
  o.alpha = 16;  // s = 4: the scale must cancel
  o.target_modules = {"up_proj"};
  Pissa pissa(o);
  int64_t n = 0;
  for (const auto& p : pissa.prepare(model, {})) n += p.numel();
  EXPECT_EQ(n, 2 * 4 * (48 + 32)) << "the LoRA count";
  auto adapter = std::dynamic_pointer_cast<LoraAdapter>(proj->named_children()["pissa"]);
  const auto [U, S, Vh] = torch::linalg_svd(w, false);
  const auto principal = torch::mm(U.narrow(1, 0, 4) * S.narrow(0, 0, 4), Vh.narrow(0, 0, 4));
  EXPECT_TRUE(torch::allclose(adapter->update(), principal, 1e-5, 1e-5)) << "s B A = U_r S_r V_r^T";
  EXPECT_TRUE(torch::allclose(proj->weight + adapter->update(), w, 1e-5, 1e-6));
  const auto residual_s = torch::linalg_svdvals(proj->weight);
  EXPECT_NEAR(residual_s[0].item<double>(), S[4].item<double>(), 1e-4)
      << "the residual's top value is sigma_{r+1}";
  // A's rows are orthogonal with norms sqrt(S_r / s), B's columns likewise.
  const auto gram = torch::mm(adapter->A, adapter->A.t());
  EXPECT_TRUE(torch::allclose(gram, torch::diag(S.narrow(0, 0, 4) / 4.0), 1e-4, 1e-5));
}

}  // namespace
}  // namespace tb
