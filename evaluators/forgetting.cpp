// Forgetting, three ways, all paired with the base model on identical material.
// 1. The change in next-token cross-entropy on held-out text of the base model's
//    pretraining distribution (Kalajdzievski 2024, "Scaling Laws for Forgetting When
//    Fine-Tuning Large Language Models", arXiv 2401.05605, §3: forgetting is the increase of
//    the pretraining loss), per sequence, tuned - base as mean ± SE with a t interval.
// 2. Token-level KL(p_base || p_tuned) on the same tokens, averaged per sequence: how far
//    the tuned model's next-token distributions moved, whatever the observed token.
// 3. Retention of control tasks the base model could do (the formats of its pretraining
//    mixture: copying, addition, reversed addition, chained arithmetic, passkey), as
//    accuracy after / before with a paired bootstrap interval; the "control task"
//    normalisation of LiNeS (Wang et al. 2024, arXiv 2410.17146, §5).
// Held-out documents and items are never trained on: the mixture's hash split keeps them
// apart.
#include "evaluators/forgetting.h"

#include "evaluators/base_cache.h"
#include "evaluators/cached_responder.h"
#include "harness/analysis/stats.h"
#include "harness/common/check.h"
#include "harness/common/sha256.h"
#include "harness/data/heldout_text.h"
#include "harness/data/long_context_items.h"
#include "harness/model/llama_config.h"
#include "harness/train/pretrain_batches.h"

namespace tb {
namespace {

// Next-token log-probabilities of `model` on `input_ids` (N, T): (N, T, V) float32.
torch::Tensor log_probs_of(LlamaForCausalLM& model, const torch::Tensor& input_ids) {
  model->eval();
  torch::NoGradGuard no_grad;
  return torch::log_softmax(model->forward(input_ids).to(torch::kFloat32), -1).cpu();  // compared on the CPU
}

std::string bytes_of(const torch::Tensor& t) {
  const torch::Tensor c = t.cpu().contiguous();
  return std::string(static_cast<const char*>(c.data_ptr()), c.nbytes());
}

// The base model's log_probs_of, from ctx.base_cache when an earlier run computed them on
// the same tokens: N x T x V floats (6.4 MB for 64 sequences of 96 byte tokens).
torch::Tensor base_log_probs(EvalContext& ctx, const torch::Tensor& input_ids) {
  if (ctx.base_cache == nullptr) return log_probs_of(ctx.base, input_ids);
  const nlohmann::json key = {{"suite", "forgetting"},
                              {"kind", "held_out_log_probs"},
                              {"tokens", sha256_hex(bytes_of(input_ids.to(torch::kInt64)))},
                              {"shape", input_ids.sizes().vec()}};
  std::string payload =
      ctx.base_cache->fetch(key, [&] { return bytes_of(log_probs_of(ctx.base, input_ids)); });
  const int64_t position_bytes = input_ids.numel() * int64_t(sizeof(float));
  TB_CHECK(!payload.empty() && int64_t(payload.size()) % position_bytes == 0,
           "a cached log-probability tensor has one row of V floats per position");
  const int64_t vocab = int64_t(payload.size()) / position_bytes;
  return torch::from_blob(payload.data(), {input_ids.size(0), input_ids.size(1), vocab},
                          torch::kFloat32)
      .clone()
      .to(input_ids.device());
}

}  // namespace

// The held-out sequences: from the file when there is one, else the mixture's held-out split
// (the same sequences for every run of a base model).
Batch Forgetting::heldout_batch(const EvalContext& ctx) const {
  if (options_.heldout_file.empty()) {
    Rng rng(0x5eed0f0f ^ ctx.pretraining->seed);
    return make_pretrain_batch(rng, ctx.pretraining->mixture, Split::kHeldOut, options_.sequences,
                               options_.seq_len, ctx.tokenizer());
  }
  const auto rows = heldout_text_rows(options_.heldout_file, ctx.tokenizer(), options_.sequences, options_.seq_len);
  auto tokens = torch::empty({options_.sequences, options_.seq_len + 1}, torch::kInt64);
  for (int64_t r = 0; r < options_.sequences; ++r) {
    std::copy(rows[size_t(r)].begin(), rows[size_t(r)].end(), tokens[r].data_ptr<int64_t>());
  }
  return {tokens.narrow(1, 0, options_.seq_len).contiguous(), tokens.narrow(1, 1, options_.seq_len).contiguous()};
}

ForgettingOptions ForgettingOptions::from_json(const nlohmann::json& j) {
  ForgettingOptions o;
  o.sequences = j.at("sequences").get<int64_t>();
  o.seq_len = j.at("seq_len").get<int64_t>();
  const auto& names = control_task_names();
  for (const auto& t : j.at("control_tasks")) {
    o.control_tasks.push_back(
        ControlTask(std::find(names.begin(), names.end(), t.get<std::string>()) - names.begin()));
  }
  o.control_items = j.at("control_items").get<int64_t>();
  o.control_max_tokens = j.at("control_max_tokens").get<int64_t>();
  o.batch_size = j.at("batch_size").get<int64_t>();
  if (j.contains("heldout_file")) o.heldout_file = checked_file_path(j.at("heldout_file"));
  return o;
}

const Schema& forgetting_schema() {
  static const Schema schema = {
      {.name = "sequences", .type = FieldType::kInt, .default_value = 64, .min = 2, .max = 100000},
      {.name = "seq_len",
       .type = FieldType::kInt,
       .default_value = 64,
       .min = 2,
       .max = kMaxTokens},
      {.name = "control_tasks",
       .type = FieldType::kStringList,
       .default_value = {"copy", "addition", "reversed_addition", "chain"},
       .choices = control_task_names(),
       .help =
           "pretraining-mixture formats whose retention is measured (passkey items must fit the "
           "model's context; checked at validation)"},
      {.name = "control_items",
       .type = FieldType::kInt,
       .default_value = 100,
       .min = 1,
       .max = 100000},
      {.name = "control_max_tokens",
       .type = FieldType::kInt,
       .default_value = 64,
       .min = 2,
       .max = kMaxTokens,
       .help = "longest passkey control item (BOS + prompt); the mixture's are up to pretraining "
               "seq_len"},
      {.name = "batch_size",
       .type = FieldType::kInt,
       .default_value = 32,
       .min = 1,
       .max = 4096,
       .help = "items decoded together (equal lengths)"},
      {.name = "heldout_file",
       .type = FieldType::kFile,
       .help = "held-out text instead of the pretraining mixture's: JSON Lines ({\"text\"} per line, "
               "\".jsonl\") or plain text",
       .omit_when_absent = true},
  };
  return schema;
}

void check_forgetting(const nlohmann::json& o, const LlamaConfig& model, const Tokenizer& tok,
                      const JsonLocation& where) {
  const int64_t context = model.max_position_embeddings;
  if (o.at("seq_len").get<int64_t>() > context) {
    where.key("seq_len").fail("must be <= the model's max_position_embeddings (" +
                              std::to_string(context) + ")");
  }
  if (o.contains("heldout_file")) {
    try {
      heldout_text_rows(o.at("heldout_file").at("path").get<std::string>(), tok, o.at("sequences").get<int64_t>(),
                        o.at("seq_len").get<int64_t>());
    } catch (const UserError& e) {
      where.key("heldout_file").fail(e.what());
    }
  }
  // A passkey control item needs room for its 5-digit answer and EOS after the prompt.
  const auto& tasks = o.at("control_tasks");
  if (std::find(tasks.begin(), tasks.end(), "passkey") == tasks.end()) return;
  const int64_t shortest = long_context_min_length(LongContextTask::kPasskey, {});
  const int64_t longest = std::max(shortest, o.at("control_max_tokens").get<int64_t>());
  if (longest + 6 > context) {
    where.key("control_tasks")
        .fail("passkey items of up to " + std::to_string(longest) +
              " tokens and their answer do not fit the model's max_position_embeddings (" +
              std::to_string(context) + "); lower control_max_tokens or drop passkey");
  }
}

std::vector<SuiteItem> control_items(const ForgettingOptions& o, uint64_t seed) {
  std::vector<SuiteItem> items;
  for (ControlTask task : o.control_tasks) {
    const std::string& name = control_task_names()[size_t(task)];
    for (int64_t i = 0; i < o.control_items; ++i) {
      Rng rng(seed ^ fnv1a("control/" + name + "/" + std::to_string(i)));
      const ControlItem item = make_control_item(task, rng, Split::kHeldOut, o.control_max_tokens);
      items.push_back(
          {name + "/" + std::to_string(i),
           {item.prompt, item.answer, int64_t(item.answer.size()) + 1, ""},
           [answer = item.answer](const std::string& out) { return out == answer ? 1.0 : 0.0; },
           {{"task", name}}});
    }
  }
  return items;
}

EvalOutput Forgetting::control_retention(Responder& base, Responder& tuned, uint64_t seed) const {
  const std::string suite = "forgetting";
  const auto items = control_items(options_, seed);
  EvalOutput out;
  const SuiteScores scores = score_suite_items(suite, items, base, tuned, out);
  auto add_retention = [&](const std::string& name, const std::vector<size_t>& subset) {
    std::vector<double> before, after;
    for (size_t i : subset) {
      before.push_back(scores.base.score[i]);
      after.push_back(scores.tuned.score[i]);
    }
    // Undefined when the base model cannot do the task at all: then nothing is retained or lost.
    if (const auto r = paired_ratio_estimate(before, after, 2000, seed)) {
      out.aggregates.push_back(make_aggregate(suite, "tuned", name + "_retention", *r));
    }
  };
  std::vector<size_t> all;
  for (ControlTask task : options_.control_tasks) {
    const std::string name = "control_" + control_task_names()[size_t(task)];
    std::vector<size_t> subset;
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i].meta.at("task") == control_task_names()[size_t(task)]) subset.push_back(i);
    }
    add_score_aggregates(out, suite, name, {}, scores, subset);
    add_retention(name, subset);
    all.insert(all.end(), subset.begin(), subset.end());
  }
  add_retention("control", all);
  return out;
}

EvalOutput Forgetting::evaluate(EvalContext& ctx) {
  const std::string suite = "forgetting";
  const Batch batch = heldout_batch(ctx);
  EvalOutput out;
  std::vector<double> ce[2], kl;
  const torch::Tensor log_probs[2] = {base_log_probs(ctx, batch.input_ids),
                                      log_probs_of(ctx.tuned, batch.input_ids)};  // (N, T, V)
  for (int m = 0; m < 2; ++m) {
    const std::string name = m == 0 ? "base" : "tuned";
    const auto token_ce = -log_probs[m].gather(2, batch.labels.unsqueeze(2)).squeeze(2);  // (N, T)
    const auto per_sequence = token_ce.mean(1).contiguous();
    for (int64_t i = 0; i < options_.sequences; ++i) {
      ce[m].push_back(per_sequence[i].item<double>());
      out.items.push_back({suite,
                           name,
                           "seq-" + std::to_string(i),
                           ce[m].back(),
                           -ce[m].back() * double(options_.seq_len),
                           {}});
    }
    out.aggregates.push_back(make_aggregate(suite, name, "held_out_ce", mean_estimate(ce[m])));
  }
  std::vector<double> diff;
  for (size_t i = 0; i < ce[0].size(); ++i) diff.push_back(ce[1][i] - ce[0][i]);
  out.aggregates.push_back(make_aggregate(suite, "delta", "held_out_ce", mean_estimate(diff)));
  // KL(base || tuned) per token, averaged per sequence; the base model's KL to itself is 0.
  const auto token_kl = (log_probs[0].exp() * (log_probs[0] - log_probs[1])).sum(-1);  // (N, T)
  const auto per_sequence_kl = token_kl.mean(1).contiguous();
  for (int64_t i = 0; i < options_.sequences; ++i) kl.push_back(per_sequence_kl[i].item<double>());
  out.aggregates.push_back(make_aggregate(suite, "base", "kl_from_base",
                                          mean_estimate(std::vector<double>(kl.size(), 0.0))));
  out.aggregates.push_back(make_aggregate(suite, "tuned", "kl_from_base", mean_estimate(kl)));

  if (!options_.control_tasks.empty()) {
    const auto base = base_responder(ctx, suite, options_.batch_size);
    ModelResponder tuned(ctx.tuned, ctx.tokenizer(), options_.batch_size);
    EvalOutput control =
        control_retention(*base, tuned, 0x5eed0f0f ^ uint64_t(ctx.pretraining->seed));
    out.aggregates.insert(out.aggregates.end(), control.aggregates.begin(),
                          control.aggregates.end());
    out.items.insert(out.items.end(), control.items.begin(), control.items.end());
  }
  return out;
}

}  // namespace tb
