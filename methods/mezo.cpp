// MeZO: memory-efficient zeroth-order optimisation (Malladi et al., "Fine-Tuning Language
// Models with Just Forward Passes", NeurIPS 2023, Algorithm 1; reference code
// princeton-nlp/MeZO large_models/trainer.py zo_perturb_parameters / zo_step / zo_update).
// Each step, with the step's seed s and z ~ N(0, I) regenerated from s whenever needed:
//   theta += eps z;  l+ = L(theta; B)          (no gradients, dropout off)
//   theta -= 2 eps z; l- = L(theta; B)
//   theta += eps z                             (restored, up to rounding)
//   g = (l+ - l-) / (2 eps)                    (the projected gradient, a scalar)
//   theta -= lr (g z + wd theta)               (no weight decay on vectors: norms, biases)
// z is never stored nor materialised: each element's z is a counter-based (Philox) draw from
// the step's seed, the parameter's index and the element's index, added in place by one
// kernel (kernels/counter_perturbation.h), so memory stays that of inference.
// It trains the full model or LoRA's A and B ("parameters"), as in the paper's Table 1.
// The step seeds are a hash of a draw from LibTorch's generator made at preparation and
// of the step, so a resumed run continues exactly.
#include "methods/mezo.h"

#include <cmath>

#include "kernels/counter_perturbation.h"
#include "methods/full_ft.h"
#include "methods/lora.h"
#include "methods/registry.h"

namespace tb {

MezoOptimizer::MezoOptimizer(const std::vector<torch::Tensor>& params, double lr, double eps, double weight_decay,
                             uint64_t seed, std::shared_ptr<MezoProgress> progress)
    : torch::optim::Optimizer({torch::optim::OptimizerParamGroup(params)},
                              std::make_unique<torch::optim::SGDOptions>(lr)),
      progress(std::move(progress)),
      eps_(eps),
      weight_decay_(weight_decay),
      seed_(seed) {
  TORCH_CHECK(param_groups().size() == 1, "MeZO keeps its parameters in one group");
}

uint64_t MezoOptimizer::step_seed(int64_t t) const {
  uint64_t z = seed_ + uint64_t(t + 1) * 0x9e3779b97f4a7c15ULL;  // SplitMix64 finaliser
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (z ^ (z >> 31)) >> 1;  // LibTorch seeds are taken as non-negative
}

void MezoOptimizer::perturb(uint64_t seed, double scale) {
  kernels::perturb_with_counter_normals_(param_groups()[0].params(), seed, scale);
}

torch::Tensor MezoOptimizer::step(LossClosure closure) {
  TORCH_CHECK(closure != nullptr, "MeZO's step needs a closure that evaluates the loss");
  const uint64_t seed = step_seed(progress->steps_done);
  perturb(seed, eps_);
  const torch::Tensor loss_plus = closure();
  perturb(seed, -2 * eps_);
  const torch::Tensor loss_minus = closure();
  perturb(seed, eps_);
  // A non-finite loss ends the run (the trainer reports it); never apply a NaN update.
  if (!std::isfinite(loss_plus.item<double>())) return loss_plus;
  if (!std::isfinite(loss_minus.item<double>())) return loss_minus;
  const double g = (loss_plus.item<double>() - loss_minus.item<double>()) / (2 * eps_);
  progress->last_projected_gradient = g;
  const double lr = param_groups()[0].options().get_lr();
  if (weight_decay_ > 0) {
    torch::NoGradGuard no_grad;
    for (auto& p : param_groups()[0].params()) {
      if (p.dim() >= 2) p.add_(p, -lr * weight_decay_);
    }
  }
  perturb(seed, -lr * g);
  ++progress->steps_done;
  return loss_plus;
}

std::vector<torch::Tensor> Mezo::prepare(LlamaForCausalLM& model, const MethodContext& context) {
  auto params = inner_->prepare(model, context);
  // The trainer evaluates MeZO's losses without gradients, so nothing is ever stored for
  // backpropagation even though the parameters are marked trainable.
  seed_ = uint64_t(torch::randint(1LL << 62, {1}, torch::kInt64).item<int64_t>());
  return params;
}

std::unique_ptr<torch::optim::Optimizer> Mezo::make_optimizer(const std::vector<torch::Tensor>& params,
                                                              const TrainingOptions& o) {
  return std::make_unique<MezoOptimizer>(params, o.lr, options_.eps, o.weight_decay, seed_, progress_);
}

nlohmann::json Mezo::details() const {
  return {{"parameters", options_.parameters},
          {"eps", options_.eps},
          {"steps", progress_->steps_done},
          {"last_projected_gradient", progress_->last_projected_gradient}};
}

void Mezo::save_state(std::map<std::string, torch::Tensor>&, nlohmann::json& values) const {
  values["mezo_steps"] = progress_->steps_done;
  values["mezo_last_projected_gradient"] = progress_->last_projected_gradient;
}

void Mezo::load_state(const std::map<std::string, torch::Tensor>&, const nlohmann::json& values) {
  progress_->steps_done = values.at("mezo_steps").get<int64_t>();
  progress_->last_projected_gradient = values.at("mezo_last_projected_gradient").get<double>();
}

MethodInfo mezo_info() {
  Schema schema = {
      {.name = "eps",
       .type = FieldType::kNumber,
       .default_value = 1e-3,
       .min = 0,
       .min_exclusive = true,
       .sweepable = true,
       .help = "perturbation scale (the paper: 1e-3 for full parameters, 1e-2 for LoRA)"},
      {.name = "parameters",
       .type = FieldType::kString,
       .default_value = "full",
       .choices = {"full", "lora"},
       .sweepable = true,
       .help = "train every weight, or LoRA adapters (rank, alpha, target_modules apply)"},
  };
  for (const Field& f : lora_family_schema(false)) schema.push_back(f);
  return {"mezo",
          "MeZO (Malladi et al. 2023): zeroth-order SGD from two forward passes with seeded perturbations",
          schema,
          [](const nlohmann::json& hp, const LlamaConfig& model, const JsonLocation& where) {
            if (hp.at("parameters").get<std::string>() == "lora") check_lora_family(hp, model, where);
          },
          [](const nlohmann::json& hp) -> std::unique_ptr<Method> {
            MezoOptions o{hp.at("eps").get<double>(), hp.at("parameters").get<std::string>()};
            std::unique_ptr<Method> inner;
            if (o.parameters == "lora") {
              inner = std::make_unique<Lora>(lora_options_from(hp));
            } else {
              inner = std::make_unique<FullFineTuning>();
            }
            return std::make_unique<Mezo>(o, std::move(inner));
          }};
}

}  // namespace tb
