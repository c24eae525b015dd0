// LiNeS: layer-increasing network scaling (Wang et al., "LiNeS: Post-training Layer
// Scaling Prevents Forgetting and Enhances Model Merging", ICLR 2025, Eq. 1; reference
// code wang-kee/LiNeS src/eval/eval.py::LiNeS_scaling). With tau = theta_ft - theta_0,
// block l of L (0-based) gets theta_0 + lambda_l tau, lambda_l = alpha + beta l / (L - 1),
// so the shallow blocks, which hold general features, keep less of the update and the
// last block all of alpha + beta. Parameters outside the blocks get lambda = alpha.
// Single-task default beta = 1 - alpha (the last block keeps the full update); alpha = 1
// returns the fine-tuned model, alpha = beta = 0 the base model.
#include "methods/lines.h"

#include <set>

#include "methods/registry.h"

namespace tb {
namespace {

// The block index of "model.layers.<l>.<...>", or -1.
int64_t block_of(const std::string& name) {
  const std::string prefix = "model.layers.";
  if (name.rfind(prefix, 0) != 0) return -1;
  const size_t end = name.find('.', prefix.size());
  return std::stoll(name.substr(prefix.size(), end - prefix.size()));
}

}  // namespace

double lines_scale(const std::string& parameter, int64_t layers, double alpha, double beta) {
  const int64_t l = block_of(parameter);
  if (l < 0) return alpha;
  if (layers <= 1) return alpha + beta;  // the only block is the last one
  return alpha + beta * double(l) / double(layers - 1);
}

TensorMap Lines::combine(const PosthocInputs& in) {
  std::set<int64_t> blocks;
  for (const auto& [name, t] : in.base) {
    if (block_of(name) >= 0) blocks.insert(block_of(name));
  }
  const int64_t layers = int64_t(blocks.size());
  // theta_0 + lambda (theta_ft - theta_0) = (1 - lambda) theta_0 + lambda theta_ft.
  return linear_combination(
      in.base, {&in.parents.at(0)},
      [&](const std::string& name) { return 1.0 - lines_scale(name, layers, alpha_, beta_); },
      [&](const std::string& name, size_t) { return lines_scale(name, layers, alpha_, beta_); });
}

MethodInfo lines_info() {
  MethodInfo info{
      "lines",
      "LiNeS (Wang et al. 2025): each tuned run's update scaled by alpha + beta l/(L-1) in block l",
      {
          {.name = "alpha",
           .type = FieldType::kNumber,
           .default_value = 0.5,
           .min = 0,
           .max = 1,
           .sweepable = true,
           .help = "the scale of the first block's update (and of parameters outside the blocks)"},
          {.name = "beta",
           .type = FieldType::kNumber,
           .default_value = -1.0,
           .min = -1,
           .max = 1,
           .sweepable = true,
           .help = "the increase of the scale up to the last block; -1: 1 - alpha (single-task default)"},
      },
      [](const nlohmann::json& hp, const LlamaConfig&, const JsonLocation& where) {
        const double beta = hp.at("beta").get<double>();
        if (beta < 0 && beta != -1.0) where.key("beta").fail("must be in [0, 1], or -1 for 1 - alpha");
      },
      nullptr};
  info.make_posthoc = [](const nlohmann::json& hp) -> std::unique_ptr<PosthocMethod> {
    const double alpha = hp.at("alpha").get<double>();
    const double beta = hp.at("beta").get<double>();
    return std::make_unique<Lines>(alpha, beta == -1.0 ? 1.0 - alpha : beta);
  };
  info.parents = ParentGrouping::kEachRun;
  info.min_parents = 1;
  return info;
}

}  // namespace tb
