#include "methods/per_entry_adamw.h"

#include "harness/train/optimizer_state.h"

namespace tb {

PerEntryAdamW::PerEntryAdamW(const std::vector<torch::Tensor>& params,
                             const torch::optim::AdamWOptions& options)
    : Optimizer({torch::optim::OptimizerParamGroup(params)},
                std::make_unique<torch::optim::AdamWOptions>(options)) {}

torch::Tensor PerEntryAdamW::step(LossClosure closure) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss = {};
  if (closure != nullptr) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const torch::optim::AdamWOptions&>(group.options());
    const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      const auto& grad = p.grad();
      const std::string key = c10::guts::to_string(p.unsafeGetTensorImpl());
      if (!state_.count(key)) {
        auto s = std::make_unique<PerEntryAdamWState>();
        s->exp_avg(torch::zeros_like(p));
        s->exp_avg_sq(torch::zeros_like(p));
        s->age = torch::ones_like(p, torch::kFloat32);
        state_[key] = std::move(s);
      }
      auto& s = static_cast<PerEntryAdamWState&>(*state_[key]);
      s.exp_avg().mul_(beta1).add_(grad, 1 - beta1);
      s.exp_avg_sq().mul_(beta2).addcmul_(grad, grad, 1 - beta2);
      const auto correction1 = 1 - torch::pow(beta1, s.age);
      const auto correction2 = (1 - torch::pow(beta2, s.age)).sqrt();
      const auto denominator = (s.exp_avg_sq().sqrt() + o.eps()) * correction1 / correction2;
      p.sub_(o.lr() * s.exp_avg() / denominator);
      if (o.weight_decay() != 0) p.mul_(1 - o.lr() * o.weight_decay());
      s.age.add_(1);
      s.step(s.step() + 1);
    }
  }
  return loss;
}

}  // namespace tb
