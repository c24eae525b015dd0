#pragma once
#include <cstdint>
#include <memory>

#include "methods/method.h"

namespace tb {

struct MethodInfo;
MethodInfo mezo_info();

// Where MeZO stands; shared by the optimiser and the method, which outlives it (the
// method's details and checkpoint state read it).
struct MezoProgress {
  int64_t steps_done = 0;
  double last_projected_gradient = 0;  // (l+ - l-) / (2 eps) of the last step
};

// The zeroth-order SGD step of MeZO as a LibTorch optimiser. step(closure) needs a closure
// that returns the loss on the step's batch without gradients; it returns l+, or the
// first non-finite loss without updating anything.
class MezoOptimizer : public torch::optim::Optimizer {
 public:
  MezoOptimizer(const std::vector<torch::Tensor>& params, double lr, double eps, double weight_decay,
                uint64_t seed, std::shared_ptr<MezoProgress> progress = std::make_shared<MezoProgress>());
  torch::Tensor step(LossClosure closure) override;

  // The seed of step t's perturbation: a hash of the optimiser's seed (drawn from
  // LibTorch's generator when the method is prepared) and t.
  uint64_t step_seed(int64_t t) const;
  // theta += scale * z(seed) over every parameter, in place: parameter k's z is
  // kernels::counter_normal(theta_k's shape, seed, k), regenerated from the seed by a
  // counter-based generator (kernels/counter_perturbation.h), never stored.
  void perturb(uint64_t seed, double scale);

  std::shared_ptr<MezoProgress> progress;

 private:
  double eps_, weight_decay_;
  uint64_t seed_;
};

struct MezoOptions {
  double eps = 1e-3;
  std::string parameters = "full";  // or "lora"
};

// MeZO wraps the method that chooses the trainable parameters (full FT or LoRA) and
// replaces its optimiser.
class Mezo : public Method {
 public:
  Mezo(MezoOptions o, std::unique_ptr<Method> inner) : options_(std::move(o)), inner_(std::move(inner)) {}
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model, const MethodContext& context) override;
  std::unique_ptr<torch::optim::Optimizer> make_optimizer(const std::vector<torch::Tensor>& params,
                                                          const TrainingOptions& options) override;
  bool zeroth_order() const override { return true; }
  void merge(LlamaForCausalLM& model) override { inner_->merge(model); }
  nlohmann::json details() const override;
  void save_state(std::map<std::string, torch::Tensor>& tensors, nlohmann::json& values) const override;
  void load_state(const std::map<std::string, torch::Tensor>& tensors, const nlohmann::json& values) override;

 private:
  MezoOptions options_;
  std::unique_ptr<Method> inner_;
  uint64_t seed_ = 0;
  std::shared_ptr<MezoProgress> progress_ = std::make_shared<MezoProgress>();
};

}  // namespace tb
