// Task arithmetic (Ilharco et al., "Editing Models with Task Arithmetic", ICLR 2023,
// Sec. 2): a task vector is tau_i = theta_i - theta_0; the edited model is
// theta_0 + lambda sum_i tau_i. One vector with lambda < 1 interpolates towards the base
// (less forgetting), lambda > 1 extrapolates; several vectors add the tasks. The cell's
// parents are every run of the named entries with one seed.
#include "methods/task_arithmetic.h"

#include "methods/registry.h"

namespace tb {

TensorMap TaskArithmetic::combine(const PosthocInputs& in) {
  std::vector<const TensorMap*> parents;
  for (const auto& p : in.parents) parents.push_back(&p);
  // theta_0 + lambda sum_i (theta_i - theta_0) = (1 - K lambda) theta_0 + lambda sum_i theta_i.
  const double base_coefficient = 1.0 - double(parents.size()) * lambda_;
  return linear_combination(
      in.base, parents, [&](const std::string&) { return base_coefficient; },
      [&](const std::string&, size_t) { return lambda_; });
}

MethodInfo task_arithmetic_info() {
  MethodInfo info{"task_arithmetic",
                  "task arithmetic (Ilharco et al. 2023): base + lambda * sum of the runs' task vectors",
                  {
                      {.name = "lambda",
                       .type = FieldType::kNumber,
                       .default_value = 1.0,
                       .min = -10,
                       .max = 10,
                       .sweepable = true,
                       .help = "scale of the summed task vectors"},
                  },
                  nullptr,
                  nullptr};
  info.make_posthoc = [](const nlohmann::json& hp) -> std::unique_ptr<PosthocMethod> {
    return std::make_unique<TaskArithmetic>(hp.at("lambda").get<double>());
  };
  info.parents = ParentGrouping::kPerSeed;
  info.min_parents = 1;
  return info;
}

}  // namespace tb
