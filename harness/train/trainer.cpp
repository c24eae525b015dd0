#include "harness/train/trainer.h"

#include <chrono>
#include <cmath>

#include "harness/train/batch_loss.h"
#include "harness/train/optimizer_state.h"
#include "methods/method.h"

namespace tb {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

torch::optim::AdamWOptions adamw_options(const TrainingOptions& o) {
  return torch::optim::AdamWOptions(o.lr)
      .betas({0.9, 0.999})
      .eps(1e-8)
      .weight_decay(o.weight_decay);
}

TrainSummary train(LlamaForCausalLM& model, const std::vector<torch::Tensor>& params,
                   const TrainingOptions& o, const std::function<Batch(int64_t step)>& next_batch,
                   Method* method, const MetricSink& sink, const TrainHooks& hooks) {
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<torch::optim::Optimizer> owned_optimizer =
      method != nullptr ? method->make_optimizer(params, o)
                        : std::make_unique<torch::optim::AdamW>(params, adamw_options(o));
  torch::optim::Optimizer& optimizer = *owned_optimizer;
  const bool zeroth_order = method != nullptr && method->zeroth_order();
  // Zeroth-order methods evaluate their perturbed losses with dropout off (MeZO).
  if (zeroth_order) {
    model->eval();
  } else {
    model->train();
  }
  TrainSummary summary;
  TrainProgress at;
  if (hooks.resume) at = hooks.resume(optimizer);
  summary.resumed_from = at.step;
  summary.tokens = at.tokens;
  double loss_sum = at.loss_sum;
  int64_t loss_count = at.loss_count;
  auto training_seconds = [&] { return at.seconds + seconds_since(start) - summary.evaluation_seconds; };
  auto progress = [&](int64_t steps_done) {
    return TrainProgress{steps_done, loss_sum, loss_count, summary.tokens, training_seconds()};
  };
  for (int64_t step = at.step; step < o.steps; ++step) {
    const double lr = learning_rate_at(o, step);
    for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
    const bool own_loss = method != nullptr && method->makes_own_loss();
    const Batch batch = own_loss ? Batch{} : next_batch(step);
    auto loss_of_batch = [&] { return batch_loss(model, batch, o); };
    auto check_finite = [&](double loss_value) {
      if (!std::isfinite(loss_value)) {
        throw NonFiniteLoss("non-finite loss (" + std::to_string(loss_value) + ") at step " +
                            std::to_string(step + 1));
      }
    };
    double loss_value = 0;
    int64_t step_tokens = own_loss ? 0 : (batch.labels != kIgnoreLabel).sum().item<int64_t>();
    if (zeroth_order) {
      loss_value = optimizer
                       .step([&] {
                         torch::NoGradGuard no_grad;
                         return loss_of_batch();
                       })
                       .item<double>();
      check_finite(loss_value);
    } else {
      optimizer.zero_grad();
      MethodLoss made = own_loss ? method->own_loss(model, step, sink) : MethodLoss{loss_of_batch()};
      if (method != nullptr) {
        if (const torch::Tensor penalty = method->loss_penalty(); penalty.defined()) made.loss = made.loss + penalty;
      }
      loss_value = made.loss.item<double>();
      check_finite(loss_value);
      const auto update_start = std::chrono::steady_clock::now();
      made.loss.backward();
      if (o.grad_clip > 0) torch::nn::utils::clip_grad_norm_(params, o.grad_clip);
      optimizer.step();
      step_tokens = own_loss ? made.tokens : step_tokens;
      if (own_loss) sink(step + 1, "update_seconds", seconds_since(update_start));
    }
    if (method != nullptr) method->after_step(step, optimizer);
    summary.tokens += step_tokens;
    loss_sum += loss_value;
    ++loss_count;
    if ((step + 1) % o.log_every == 0 || step + 1 == o.steps) {
      sink(step + 1, "lr", lr);
      sink(step + 1, "train_loss", loss_sum / double(loss_count));
      summary.final_loss = loss_sum / double(loss_count);
      loss_sum = 0;
      loss_count = 0;
    }
    if (hooks.after_step) {
      const auto hook_start = std::chrono::steady_clock::now();
      hooks.after_step(step + 1);
      summary.evaluation_seconds += seconds_since(hook_start);
    }
    const bool stop = hooks.stop_requested && hooks.stop_requested() && step + 1 < o.steps;
    const bool due = hooks.checkpoint_every > 0 && (step + 1) % hooks.checkpoint_every == 0 && step + 1 < o.steps;
    if (hooks.checkpoint && (stop || due)) hooks.checkpoint(progress(step + 1), optimizer);
    if (stop) {
      summary.stopped = true;
      summary.steps = step + 1;
      return summary;
    }
  }
  summary.steps = o.steps;
  summary.optimizer_state_bytes = optimizer_state_bytes(optimizer);
  summary.seconds = training_seconds();
  return summary;
}

}  // namespace tb
