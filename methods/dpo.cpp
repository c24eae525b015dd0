// DPO: Direct Preference Optimization (Rafailov et al. 2023, arXiv 2305.18290, eq. 7; the
// loss is in methods/dpo_loss.h), with the reference model the base model, never trained
// (for LoRA that is the model with the adapter disabled). Pairs come from `pairs_file`
// (TRL's prompt / chosen / rejected JSON Lines; each text encoded as a task item is, BOS
// before the prompt and EOS after each completion) or are built from the task before
// training: for each of `pair_items` training items (0: all), chosen = the gold answer with
// its stop token, rejected = the first of `attempts` base-model samples that the task's
// verifier rejects; items whose samples are all correct give no pair. How many pairs could
// be built is recorded in the run's method details. Each step scores training.batch_size
// pairs, drawn with replacement from a seeded stream.
#include "methods/dpo.h"

#include <torch/torch.h>

#include <iostream>

#include "harness/common/check.h"
#include "harness/data/preference_pairs.h"
#include "harness/train/completion_scoring.h"
#include "harness/train/item_encoding.h"
#include "methods/dpo_loss.h"
#include "methods/registry.h"
#include "methods/rollout.h"

namespace tb {
namespace {

// pairs_file is optional without a default: absent, or null where defaults were filled in.
bool has_pairs_file(const nlohmann::json& hp) { return hp.contains("pairs_file") && !hp.at("pairs_file").is_null(); }

constexpr uint64_t kSampleStream = 0x64706f02ULL, kBatchStream = 0x64706f03ULL;

}  // namespace

Dpo::Dpo(const nlohmann::json& hp)
    : PolicyMethod(hp),
      beta_(hp.at("beta").get<double>()),
      attempts_(hp.at("attempts").get<int64_t>()),
      pair_items_(hp.at("pair_items").get<int64_t>()),
      pairs_file_(has_pairs_file(hp) ? checked_file_path(hp.at("pairs_file")) : "") {}

void Dpo::before_prepare(LlamaForCausalLM& model) {
  if (!pairs_file_.empty()) {
    for (const PreferenceText& p : load_preference_pairs(pairs_file_)) {
      const auto chosen = item_ids(*context_.tokenizer, {"", p.prompt, p.chosen, ""});
      pairs_.push_back({chosen.prompt, chosen.target, item_ids(*context_.tokenizer, {"", p.prompt, p.rejected, ""}).target});
    }
    return;
  }
  build_pairs_from_task(model);
}

void Dpo::build_pairs_from_task(LlamaForCausalLM& model) {
  const auto& train = context_.data->train;
  const size_t n = pair_items_ <= 0 ? train.size() : std::min(train.size(), size_t(pair_items_));
  std::vector<size_t> items(n);
  for (size_t i = 0; i < n; ++i) items[i] = i;  // training items are already in a seeded order
  const Rollout r = roll_out(model, *context_.data, items, attempts_, sampling_, *context_.tokenizer, context_.verifier,
                             step_seed(context_.seed, kSampleStream, 0));
  items_tried_ = int64_t(n);
  for (size_t row = 0; row < r.rewards.size(); row += size_t(attempts_)) {
    for (size_t a = row; a < row + size_t(attempts_); ++a) {
      if (r.rewards[a] > 0) continue;
      pairs_.push_back({r.prompts[a], item_ids(*context_.tokenizer, train[r.items[a]]).target, r.completions[a]});
      break;
    }
  }
  std::cout << "dpo: " << pairs_.size() << " preference pairs from " << n << " training items (" << attempts_
            << " base-model samples each)" << std::endl;
  if (pairs_.empty()) {
    throw std::runtime_error("dpo: no preference pair could be built: every base-model sample of the " +
                             std::to_string(n) + " items was correct");
  }
}

MethodLoss Dpo::own_loss(LlamaForCausalLM& model, int64_t step, const MetricSink& log) {
  const auto rows = draw_items(pairs_.size(), context_.batch_size, step_seed(context_.seed, kBatchStream, step));
  std::vector<std::vector<int64_t>> prompts, completions;
  for (const bool chosen : {true, false}) {
    for (size_t row : rows) {
      prompts.push_back(pairs_[row].prompt);
      completions.push_back(chosen ? pairs_[row].chosen : pairs_[row].rejected);
    }
  }
  const CompletionBatch batch = make_completion_batch(prompts, completions, context_.tokenizer->special().pad);
  const auto policy = sequence_logprobs(score_completions(model, batch), batch);
  torch::Tensor reference;
  {
    torch::NoGradGuard no_grad;
    reference = sequence_logprobs(score_completions(context_.reference, batch), batch);
  }
  const auto p = int64_t(rows.size());
  const DpoLoss l = dpo_loss(policy.slice(0, 0, p), policy.slice(0, p), reference.slice(0, 0, p),
                             reference.slice(0, p), beta_);
  log(step + 1, "reward_accuracy", l.reward_accuracy);
  log(step + 1, "reward_margin", l.reward_margin);
  return {l.loss, int64_t(batch.mask.sum().item<double>())};
}

nlohmann::json Dpo::details() const {
  if (!pairs_file_.empty()) return {{"parameters", parameters_}, {"pairs", pairs_.size()}, {"pairs_file", pairs_file_}};
  return {{"parameters", parameters_}, {"pairs", pairs_.size()}, {"items_tried", items_tried_},
          {"attempts", attempts_}};
}

MethodInfo dpo_info() {
  Schema own = {
      {.name = "beta", .type = FieldType::kNumber, .default_value = 0.1, .min = 0, .min_exclusive = true,
       .sweepable = true, .help = "the KL strength of DPO's implicit reward (TRL's default 0.1)"},
      {.name = "attempts", .type = FieldType::kInt, .default_value = 4, .min = 1, .max = 1024, .sweepable = true,
       .help = "base-model samples per training item to find a rejected completion"},
      {.name = "pair_items", .type = FieldType::kInt, .default_value = 0, .min = 0, .max = kMaxTrainItems,
       .sweepable = true, .help = "training items pairs are built from (0: all)"},
      {.name = "pairs_file", .type = FieldType::kFile,
       .help = "preference pairs as JSON Lines (prompt, chosen, rejected: TRL's format); none: built from the task",
       .omit_when_absent = true},
  };
  MethodInfo info{"dpo", "DPO (Rafailov et al. 2023): preference pairs (gold answer over a rejected base-model sample)",
                  policy_schema(own),
                  [](const nlohmann::json& hp, const LlamaConfig& model, const JsonLocation& where) {
                    check_policy_hyperparameters(hp, model, where);
                    if (!has_pairs_file(hp)) return;
                    try {
                      load_preference_pairs(hp.at("pairs_file").at("path").get<std::string>());
                    } catch (const UserError& e) {
                      where.key("pairs_file").fail(e.what());
                    }
                  },
                  [](const nlohmann::json& hp) -> std::unique_ptr<Method> { return std::make_unique<Dpo>(hp); }};
  info.needs_verifier = [](const nlohmann::json& hp) { return !has_pairs_file(hp); };
  return info;
}

}  // namespace tb
