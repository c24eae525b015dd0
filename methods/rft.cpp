// Rejection-sampling fine-tuning (Yuan et al. 2023, "Scaling Relationship on Learning
// Mathematical Reasoning with Large Language Models", arXiv 2308.01825) in rounds, as in
// STaR (Zelikman et al. 2022, Algorithm 1 without rationalization): at the start of each of
// `rounds` equal parts of the training steps, sample k completions of each training prompt
// (or of prompts_per_round distinct ones) from the current model, keep those the task's
// verifier accepts, and train with the SFT loss (mean token cross-entropy of the kept
// completion, stop token included) on batches drawn from them. Unlike STaR, training
// continues from the current model instead of restarting from the base model each round.
// A round that keeps nothing ends the run: there is nothing to train on.
#include "methods/rft.h"

#include <torch/torch.h>

#include <numeric>

#include "harness/data/rng.h"
#include "harness/train/completion_scoring.h"
#include "methods/registry.h"
#include "methods/rollout.h"

namespace tb {
namespace {

constexpr uint64_t kRoundStream = 0x72667401ULL, kSampleStream = 0x72667402ULL, kBatchStream = 0x72667403ULL;

// `count` distinct indices below n (all of them when count is 0 or at least n), in a
// seeded order (Fisher-Yates).
std::vector<size_t> distinct_items(size_t n, int64_t count, uint64_t seed) {
  std::vector<size_t> all(n);
  std::iota(all.begin(), all.end(), size_t(0));
  if (count <= 0 || size_t(count) >= n) return all;
  Rng rng(seed);
  for (size_t i = 0; i < size_t(count); ++i) std::swap(all[i], all[i + rng.below(n - i)]);
  all.resize(size_t(count));
  return all;
}

// Token lists as one flat tensor and their lengths, for checkpoints.
std::pair<torch::Tensor, torch::Tensor> pack(const std::vector<std::vector<int64_t>>& lists) {
  std::vector<int64_t> flat, lengths;
  for (const auto& l : lists) {
    flat.insert(flat.end(), l.begin(), l.end());
    lengths.push_back(int64_t(l.size()));
  }
  return {torch::tensor(flat, torch::kInt64), torch::tensor(lengths, torch::kInt64)};
}

std::vector<std::vector<int64_t>> unpack(const torch::Tensor& flat, const torch::Tensor& lengths) {
  std::vector<std::vector<int64_t>> out;
  const int64_t* f = flat.data_ptr<int64_t>();
  for (int64_t i = 0, at = 0; i < lengths.numel(); ++i) {
    const int64_t n = lengths[i].item<int64_t>();
    out.emplace_back(f + at, f + at + n);
    at += n;
  }
  return out;
}

}  // namespace

Rft::Rft(const nlohmann::json& hp) : PolicyMethod(hp) {
  options_ = {hp.at("rounds").get<int64_t>(), hp.at("samples").get<int64_t>(),
              hp.at("prompts_per_round").get<int64_t>()};
}

void Rft::sample_round(LlamaForCausalLM& model, int64_t round, int64_t step, const MetricSink& log) {
  const auto& train = context_.data->train;
  const auto items = distinct_items(train.size(), options_.prompts_per_round, step_seed(context_.seed, kRoundStream, round));
  const Rollout r = roll_out(model, *context_.data, items, options_.samples, sampling_, *context_.tokenizer, context_.verifier,
                             step_seed(context_.seed, kSampleStream, round));
  kept_prompts_.clear();
  kept_completions_.clear();
  for (size_t i = 0; i < r.rewards.size(); ++i) {
    if (r.rewards[i] <= 0) continue;
    kept_prompts_.push_back(r.prompts[i]);
    kept_completions_.push_back(r.completions[i]);
  }
  const double kept = double(kept_prompts_.size()) / double(r.rewards.size());
  round_ = round;
  round_log_.push_back({{"round", round}, {"step", step + 1}, {"sampled", r.rewards.size()},
                        {"kept", kept_prompts_.size()}});
  log(step + 1, "kept_fraction", kept);
  log(step + 1, "generation_seconds", r.seconds);
  log(step + 1, "completion_length", mean_completion_length(r));
  if (kept_prompts_.empty()) {
    throw std::runtime_error("rft: round " + std::to_string(round + 1) + " kept none of its " +
                             std::to_string(r.rewards.size()) +
                             " samples (the verifier accepted no completion), so there is nothing to train on; "
                             "sample more (samples, temperature) or start from a model that sometimes solves the task");
  }
}

MethodLoss Rft::own_loss(LlamaForCausalLM& model, int64_t step, const MetricSink& log) {
  const int64_t steps_per_round = (context_.total_steps + options_.rounds - 1) / options_.rounds;
  const int64_t round = step / steps_per_round;
  if (round != round_) sample_round(model, round, step, log);
  const auto rows = draw_items(kept_prompts_.size(), context_.batch_size, step_seed(context_.seed, kBatchStream, step));
  std::vector<std::vector<int64_t>> prompts, completions;
  for (size_t row : rows) {
    prompts.push_back(kept_prompts_[row]);
    completions.push_back(kept_completions_[row]);
  }
  const CompletionBatch batch = make_completion_batch(prompts, completions, context_.tokenizer->special().pad);
  const TokenScores scores = score_completions(model, batch);
  const auto tokens = batch.mask.sum();
  return {-scores.logprobs.sum() / tokens.clamp_min(1.0), int64_t(tokens.item<double>())};
}

nlohmann::json Rft::details() const { return {{"parameters", parameters_}, {"rounds", round_log_}}; }

void Rft::save_state(std::map<std::string, torch::Tensor>& tensors, nlohmann::json& values) const {
  values["rft_round"] = round_;
  values["rft_rounds"] = round_log_;
  std::tie(tensors["rft.prompts"], tensors["rft.prompt_lengths"]) = pack(kept_prompts_);
  std::tie(tensors["rft.completions"], tensors["rft.completion_lengths"]) = pack(kept_completions_);
}

void Rft::load_state(const std::map<std::string, torch::Tensor>& tensors, const nlohmann::json& values) {
  round_ = values.at("rft_round").get<int64_t>();
  round_log_ = values.at("rft_rounds");
  kept_prompts_ = unpack(tensors.at("rft.prompts"), tensors.at("rft.prompt_lengths"));
  kept_completions_ = unpack(tensors.at("rft.completions"), tensors.at("rft.completion_lengths"));
}

MethodInfo rft_info() {
  Schema own = {
      {.name = "rounds", .type = FieldType::kInt, .default_value = 2, .min = 1, .max = 1000, .sweepable = true,
       .help = "sampling rounds, at the start of equal parts of the training steps"},
      {.name = "samples", .type = FieldType::kInt, .default_value = 4, .min = 1, .max = 1024, .sweepable = true,
       .help = "k: completions sampled per prompt and round"},
      {.name = "prompts_per_round", .type = FieldType::kInt, .default_value = 0, .min = 0, .max = kMaxTrainItems,
       .sweepable = true, .help = "distinct training prompts sampled per round (0: all)"},
  };
  MethodInfo info{"rft",
          "rejection-sampling fine-tuning / STaR (Zelikman et al. 2022): SFT on the model's own verified samples, in rounds",
          policy_schema(own), &check_policy_hyperparameters,
          [](const nlohmann::json& hp) -> std::unique_ptr<Method> { return std::make_unique<Rft>(hp); }};
  info.needs_verifier = [](const nlohmann::json&) { return true; };
  return info;
}

}  // namespace tb
