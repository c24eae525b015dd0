// GRPO: Group Relative Policy Optimization with verifiable rewards (Shao et al. 2024,
// "DeepSeekMath", arXiv 2402.03300, eq. 3 and §4.1.2 outcome supervision; TRL's
// GRPOTrainer for the details: advantages, loss aggregation, k3 KL, clipping metrics).
// Per generation step: B = training.batch_size prompts, G completions each (temperature,
// top-p, top-k, max_new_tokens), rewards from the task's verifier, group-normalised
// advantages; then mu optimiser steps on the clipped-ratio loss with beta times the k3 KL to
// the reference model (the base model, never trained: for LoRA that is the model with the
// adapter disabled). beta = 0 computes no reference log-probabilities.
#include "methods/grpo.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>

#include "methods/registry.h"

namespace tb {
namespace {

constexpr uint64_t kPromptStream = 0x6770726f01ULL, kSampleStream = 0x6770726f02ULL;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The share of groups whose G rewards are all equal (they carry no policy gradient).
double zero_variance_groups(const std::vector<double>& rewards, int64_t group_size) {
  int64_t flat = 0, groups = 0;
  for (size_t g = 0; g + size_t(group_size) <= rewards.size(); g += size_t(group_size), ++groups) {
    bool same = true;
    for (int64_t i = 1; i < group_size; ++i) same = same && rewards[g + size_t(i)] == rewards[g];
    flat += same;
  }
  return groups == 0 ? 0.0 : double(flat) / double(groups);
}

}  // namespace

Grpo::Grpo(const nlohmann::json& hp) : PolicyMethod(hp) {
  options_.group_size = hp.at("group_size").get<int64_t>();
  options_.iterations = hp.at("iterations").get<int64_t>();
  options_.scale_rewards = hp.at("scale_rewards").get<bool>();
  options_.loss = {hp.at("epsilon").get<double>(),
                   hp.contains("epsilon_high") && !hp.at("epsilon_high").is_null() ? hp.at("epsilon_high").get<double>() : hp.at("epsilon").get<double>(),
                   hp.at("beta").get<double>(), hp.at("loss_type").get<std::string>(),
                   hp.at("max_new_tokens").get<int64_t>()};
}

void Grpo::generate(LlamaForCausalLM& model, int64_t step, const MetricSink& log) {
  const auto& train = context_.data->train;
  const int64_t prompts = context_.batch_size;
  const auto items = draw_items(train.size(), prompts, step_seed(context_.seed, kPromptStream, step));
  const Rollout r = roll_out(model, *context_.data, items, options_.group_size, sampling_, *context_.tokenizer,
                             context_.verifier, step_seed(context_.seed, kSampleStream, step));
  const auto scoring_start = std::chrono::steady_clock::now();
  batch_ = make_completion_batch(r.prompts, r.completions, context_.tokenizer->special().pad);
  const auto rewards = torch::tensor(r.rewards, torch::kFloat64);
  advantages_ = group_advantages(rewards, options_.group_size, options_.scale_rewards);
  batch_step_ = step;
  {
    torch::NoGradGuard no_grad;
    old_logprobs_ = options_.iterations > 1 ? score_completions(model, batch_, sampling_.temperature).logprobs
                                            : torch::Tensor();
    reference_logprobs_ = options_.loss.beta != 0.0
                              ? score_completions(context_.reference, batch_, sampling_.temperature).logprobs
                              : torch::Tensor();
  }
  ++generations_;
  reward_sum_ += rewards.mean().item<double>();
  log(step + 1, "reward_mean", rewards.mean().item<double>());
  log(step + 1, "reward_std", rewards.view({-1, options_.group_size}).std(1).mean().item<double>());
  log(step + 1, "zero_variance_groups", zero_variance_groups(r.rewards, options_.group_size));
  log(step + 1, "completion_length", mean_completion_length(r));
  log(step + 1, "generation_seconds", r.seconds);
  log(step + 1, "generated_tokens_per_second", batch_.mask.sum().item<double>() / std::max(r.seconds, 1e-9));
  log(step + 1, "scoring_seconds", seconds_since(scoring_start));
}

MethodLoss Grpo::own_loss(LlamaForCausalLM& model, int64_t step, const MetricSink& log) {
  // A new generation batch every mu steps (and when training starts over at an earlier step).
  if (batch_step_ < 0 || step < batch_step_ || step - batch_step_ >= options_.iterations) generate(model, step, log);
  const TokenScores scores = score_completions(model, batch_, sampling_.temperature, /*with_entropy=*/true);
  const torch::Tensor old = old_logprobs_.defined() ? old_logprobs_ : scores.logprobs.detach();
  const GrpoLoss l = grpo_loss(scores.logprobs, old, reference_logprobs_, advantages_, batch_.mask, options_.loss);
  if (options_.loss.beta != 0.0) log(step + 1, "kl", l.kl);
  log(step + 1, "clip_fraction", l.clip_fraction);
  log(step + 1, "entropy", masked_mean(scores.entropy, batch_.mask));
  return {l.loss, int64_t(batch_.mask.sum().item<double>())};
}

nlohmann::json Grpo::details() const {
  return {{"parameters", parameters_},
          {"generation_batches", generations_},
          {"mean_reward", generations_ == 0 ? 0.0 : reward_sum_ / double(generations_)}};
}

void Grpo::save_state(std::map<std::string, torch::Tensor>& tensors, nlohmann::json& values) const {
  values["grpo_batch_step"] = batch_step_;
  values["grpo_generations"] = generations_;
  values["grpo_reward_sum"] = reward_sum_;
  if (batch_step_ < 0) return;
  tensors["grpo.input_ids"] = batch_.input_ids;
  tensors["grpo.targets"] = batch_.targets;
  tensors["grpo.mask"] = batch_.mask;
  tensors["grpo.advantages"] = advantages_;
  if (old_logprobs_.defined()) tensors["grpo.old_logprobs"] = old_logprobs_;
  if (reference_logprobs_.defined()) tensors["grpo.reference_logprobs"] = reference_logprobs_;
}

void Grpo::load_state(const std::map<std::string, torch::Tensor>& tensors, const nlohmann::json& values) {
  batch_step_ = values.at("grpo_batch_step").get<int64_t>();
  generations_ = values.at("grpo_generations").get<int64_t>();
  reward_sum_ = values.at("grpo_reward_sum").get<double>();
  if (batch_step_ < 0) return;
  batch_ = {tensors.at("grpo.input_ids"), tensors.at("grpo.targets"), tensors.at("grpo.mask")};
  advantages_ = tensors.at("grpo.advantages");
  if (tensors.count("grpo.old_logprobs") != 0) old_logprobs_ = tensors.at("grpo.old_logprobs");
  if (tensors.count("grpo.reference_logprobs") != 0) reference_logprobs_ = tensors.at("grpo.reference_logprobs");
}

MethodInfo grpo_info() {
  Schema own = {
      {.name = "group_size", .type = FieldType::kInt, .default_value = 8, .min = 2, .max = 1024,
       .sweepable = true, .help = "G: completions sampled per prompt (training.batch_size prompts per generation)"},
      {.name = "beta", .type = FieldType::kNumber, .default_value = 0.04, .min = 0, .sweepable = true,
       .help = "KL coefficient (DeepSeekMath 0.04; 0: no reference log-probabilities)"},
      {.name = "epsilon", .type = FieldType::kNumber, .default_value = 0.2, .min = 0, .min_exclusive = true,
       .sweepable = true, .help = "clip range below 1 (and above, unless epsilon_high)"},
      {.name = "epsilon_high", .type = FieldType::kNumber, .min = 0, .min_exclusive = true, .sweepable = true,
       .help = "clip range above 1 (DAPO's clip-higher); default: epsilon", .omit_when_absent = true},
      {.name = "iterations", .type = FieldType::kInt, .default_value = 1, .min = 1, .max = 64,
       .sweepable = true, .help = "mu: optimiser steps per generation batch"},
      {.name = "scale_rewards", .type = FieldType::kBool, .default_value = true, .sweepable = true,
       .help = "divide advantages by the group's reward std (false: Dr. GRPO)"},
      {.name = "loss_type", .type = FieldType::kString, .default_value = "grpo",
       .choices = {"grpo", "dapo", "dr_grpo"}, .sweepable = true,
       .help = "grpo: per-sequence token mean; dapo: per-token mean; dr_grpo: token sum / (N x max_new_tokens)"},
  };
  MethodInfo info{"grpo",
          "GRPO (Shao et al. 2024): on-policy RL from the task's verifier, group-normalised advantages, clipped ratio, k3 KL",
          policy_schema(own), &check_policy_hyperparameters,
          [](const nlohmann::json& hp) -> std::unique_ptr<Method> { return std::make_unique<Grpo>(hp); }};
  info.needs_verifier = [](const nlohmann::json&) { return true; };
  return info;
}

}  // namespace tb
