// Models for the post-hoc method tests: a base and "tuned" variants of it, as TensorMaps.
#pragma once
#include "harness/model/model_io.h"
#include "tests/test_util.h"

namespace tb::testing {

inline TensorMap random_model(uint64_t seed) {
  torch::manual_seed(seed);
  LlamaForCausalLM model(tiny_config());
  TensorMap out;
  for (const auto& [k, v] : model_state(*model)) out[k] = v.clone();
  return out;
}

// The base plus a random update of relative size `scale` on every parameter.
inline TensorMap tuned_from(const TensorMap& base, uint64_t seed, double scale = 0.1) {
  torch::manual_seed(seed);
  TensorMap out;
  for (const auto& [k, v] : base) out[k] = v + scale * torch::randn_like(v) * (v.abs().mean() + 1e-3);
  return out;
}

inline bool same_bits(const TensorMap& a, const TensorMap& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [k, v] : a) {
    if (!b.count(k) || !torch::equal(v, b.at(k))) return false;
  }
  return true;
}

}  // namespace tb::testing
