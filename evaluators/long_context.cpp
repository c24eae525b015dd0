// The long-context suite: passkey retrieval (Mohtashami & Jaggi 2023, "Landmark Attention",
// arXiv 2305.16300), RULER's needle-in-a-haystack variants with K keys, V values and Q
// queries and its variable tracking (Hsieh et al. 2024, arXiv 2404.06654, §3), and
// key-value retrieval with the gold pair at controlled positions (Liu et al. 2023, "Lost in
// the Middle", arXiv 2307.03172, §3). Every task is scored over a grid of context lengths x
// gold depths; each item gets the generation score of its reference benchmark and the
// teacher-forced log-probability of its answer. Aggregates per task: overall, per length
// (RULER's per-length average), per length x depth cell (the heatmap of Kamradt's
// needle-in-a-haystack, with exact-match scoring instead of an LLM judge), and an
// effective length, RULER's notion made relative: the largest length whose score stays at
// or above a fraction (default 0.85) of the shortest length's score.
#include "evaluators/long_context.h"

#include <algorithm>

#include "evaluators/cached_responder.h"
#include "harness/common/check.h"
#include "harness/model/llama_config.h"

namespace tb {

LongContextOptions LongContextOptions::from_json(const nlohmann::json& j) {
  LongContextOptions o;
  for (const auto& name : j.at("tasks"))
    o.tasks.push_back(*parse_long_context_task(name.get<std::string>()));
  o.lengths = j.at("lengths").get<std::vector<int64_t>>();
  std::sort(o.lengths.begin(), o.lengths.end());
  o.lengths.erase(std::unique(o.lengths.begin(), o.lengths.end()), o.lengths.end());
  o.depths = j.at("depths").get<std::vector<double>>();
  std::sort(o.depths.begin(), o.depths.end());
  o.depths.erase(std::unique(o.depths.begin(), o.depths.end()), o.depths.end());
  o.items_per_cell = j.at("items_per_cell").get<int64_t>();
  o.shape.multi = j.at("niah_multi").get<int64_t>();
  o.shape.vt_hops = j.at("vt_hops").get<int64_t>();
  o.effective_fraction = j.at("effective_fraction").get<double>();
  o.seed = j.at("seed").get<uint64_t>();
  o.batch_size = j.at("batch_size").get<int64_t>();
  o.position_loss.length = j.value("position_loss_length", o.position_loss.length);
  o.position_loss.sequences = j.value("position_loss_sequences", o.position_loss.sequences);
  o.position_loss.buckets = j.value("position_loss_buckets", o.position_loss.buckets);
  o.lift.steps = j.value("lift_steps", o.lift.steps);
  o.lift.lr = j.value("lift_lr", o.lift.lr);
  o.lift.rank = j.value("lift_rank", o.lift.rank);
  o.lift.segment = j.value("lift_segment", o.lift.segment);
  o.lift.stride = j.value("lift_stride", o.lift.stride);
  o.lift.context = j.value("lift_context", o.lift.context);
  return o;
}

const Schema& long_context_schema() {
  static const Schema schema = {
      {.name = "tasks",
       .type = FieldType::kStringList,
       .default_value = {"passkey", "niah_single", "variable_tracking", "kv_retrieval"},
       .choices = long_context_task_names(),
       .help = "which long-context tasks to run"},
      {.name = "lengths",
       .type = FieldType::kIntList,
       .default_value = {128, 160, 192, 224},
       .min = 2,
       .max = kMaxTokens,
       .help = "context lengths in tokens (BOS + prompt)"},
      {.name = "depths",
       .type = FieldType::kNumberList,
       .default_value = {0.0, 0.25, 0.5, 0.75, 1.0},
       .min = 0,
       .max = 1,
       .help = "relative positions of the gold needle"},
      {.name = "items_per_cell",
       .type = FieldType::kInt,
       .default_value = 10,
       .min = 1,
       .max = 100000},
      {.name = "niah_multi",
       .type = FieldType::kInt,
       .default_value = 4,
       .min = 2,
       .max = 16,
       .help = "K, V or Q of niah_multikey, niah_multivalue and niah_multiquery (RULER: 4)"},
      {.name = "vt_hops",
       .type = FieldType::kInt,
       .default_value = 2,
       .min = 1,
       .max = 16,
       .help = "variable_tracking hops after the first assignment"},
      {.name = "effective_fraction",
       .type = FieldType::kNumber,
       .default_value = 0.85,
       .min = 0,
       .min_exclusive = true,
       .max = 1,
       .help = "effective length: fraction of the shortest length's score"},
      {.name = "seed", .type = FieldType::kInt, .default_value = 0, .min = 0, .help = "item seed"},
      {.name = "batch_size", .type = FieldType::kInt, .default_value = 4, .min = 1, .max = 4096,
       .help = "items decoded together; long prompts gain little from larger batches on a CPU"},
      {.name = "position_loss_length", .type = FieldType::kInt, .min = 2, .max = kMaxTokens,
       .help = "loss by position: held-out long text in rows of this many tokens, its per-token loss averaged "
               "per bucket of positions; absent: off",
       .omit_when_absent = true},
      {.name = "position_loss_sequences", .type = FieldType::kInt, .min = 1, .max = 4096,
       .help = "loss by position: rows of text (default 16)", .omit_when_absent = true},
      {.name = "position_loss_buckets", .type = FieldType::kInt, .min = 1, .max = 1024,
       .help = "loss by position: buckets of positions (default 8)", .omit_when_absent = true},
      {.name = "lift_steps", .type = FieldType::kInt, .min = 1, .max = 10000,
       .help = "LIFT: per item, train a fresh LoRA on the item's input for this many steps and answer from its "
               "truncated input; absent: off",
       .omit_when_absent = true},
      {.name = "lift_lr", .type = FieldType::kNumber, .min = 0, .min_exclusive = true,
       .help = "LIFT: learning rate (default 1e-3)", .omit_when_absent = true},
      {.name = "lift_rank", .type = FieldType::kInt, .min = 1, .max = 16384,
       .help = "LIFT: LoRA rank on every projection, alpha 2 rank (default 8)", .omit_when_absent = true},
      {.name = "lift_segment", .type = FieldType::kInt, .min = 2, .max = kMaxTokens,
       .help = "LIFT: tokens per training segment (default 128)", .omit_when_absent = true},
      {.name = "lift_stride", .type = FieldType::kInt, .min = 1, .max = kMaxTokens,
       .help = "LIFT: tokens between segment starts (default 48)", .omit_when_absent = true},
      {.name = "lift_context", .type = FieldType::kInt, .min = 2, .max = kMaxTokens,
       .help = "LIFT: tokens of the truncated input answered from, its head and tail (default 128)",
       .omit_when_absent = true},
  };
  return schema;
}

void check_long_context(const nlohmann::json& j, const LlamaConfig& model, const Tokenizer& tok,
                        const JsonLocation& where) {
  const LongContextOptions o = LongContextOptions::from_json(j);
  const PositionLossOptions& p = o.position_loss;
  if ((j.contains("position_loss_sequences") || j.contains("position_loss_buckets")) && p.length == 0)
    where.key("position_loss_length").fail("missing: the other position_loss_* options need it");
  if (p.length > model.max_position_embeddings)
    where.key("position_loss_length").fail("exceeds the model's max_position_embeddings (" +
                                           std::to_string(model.max_position_embeddings) + ")");
  for (const char* key : {"lift_lr", "lift_rank", "lift_segment", "lift_stride", "lift_context"})
    if (j.contains(key) && o.lift.steps == 0) where.key("lift_steps").fail(std::string("missing: ") + key + " needs it");
  if (o.lift.steps > 0 && o.lift.segment > model.max_position_embeddings)
    where.key("lift_segment").fail("exceeds the model's max_position_embeddings (" +
                                   std::to_string(model.max_position_embeddings) + ")");
  if (p.length > 0 && p.buckets > p.length)
    where.key("position_loss_buckets").fail("more buckets than positions (" + std::to_string(p.length) + ")");
  const auto& lengths = j.at("lengths");
  for (size_t i = 0; i < lengths.size(); ++i) {
    const int64_t length = lengths[i].get<int64_t>();
    for (LongContextTask task : o.tasks) {
      const int64_t answer = long_context_answer_token_bound(task, o.shape, tok);
      if (length + answer + 1 > model.max_position_embeddings) {
        where.key("lengths").index(i).fail(
            std::to_string(length) + " tokens plus the " + long_context_task_name(task) +
            " answer (" + std::to_string(answer + 1) +
            " tokens with EOS) exceed the model's max_position_embeddings (" +
            std::to_string(model.max_position_embeddings) + ")");
      }
      const int64_t shortest = long_context_min_tokens(task, o.shape, tok);
      if (length < shortest) {
        where.key("lengths").index(i).fail(
            std::to_string(length) + " tokens is too short for " + long_context_task_name(task) +
            " (at least " + std::to_string(shortest) +
            " tokens for its needles and query); raise it or drop the task");
      }
    }
  }
}

std::vector<SuiteItem> long_context_items(const LongContextOptions& o, const Tokenizer& tok) {
  std::vector<SuiteItem> items;
  for (LongContextTask task : o.tasks) {
    const std::string& name = long_context_task_name(task);
    const int64_t budget = long_context_answer_token_bound(task, o.shape, tok) + 1;
    for (int64_t length : o.lengths) {
      for (double depth : o.depths) {
        for (int64_t i = 0; i < o.items_per_cell; ++i) {
          const std::string cell =
              name + "/length=" + std::to_string(length) + "/depth=" + slice_value(depth);
          Rng rng(o.seed ^ fnv1a(cell + "/" + std::to_string(i)));
          auto item = std::make_shared<LongContextItem>(
              make_long_context_item_in_tokens(task, o.shape, length, depth, rng, Split::kHeldOut, tok));
          items.push_back({cell + "/" + std::to_string(i),
                           {item->prompt, item->answer, budget, ""},
                           [task, item](const std::string& output) {
                             return long_context_score(task, *item, output);
                           },
                           {{"task", name}, {"length", length}, {"depth", depth}}});
        }
      }
    }
  }
  return items;
}

int64_t effective_length(const std::vector<int64_t>& lengths, const std::vector<double>& scores,
                         double fraction) {
  TB_CHECK(lengths.size() == scores.size() && !lengths.empty(), "one score per length");
  if (scores[0] <= 0) return 0;
  int64_t effective = 0;
  for (size_t i = 0; i < lengths.size() && scores[i] >= fraction * scores[0]; ++i)
    effective = lengths[i];
  return effective;
}

EvalOutput LongContext::evaluate(EvalContext& ctx) {
  const auto base = base_responder(ctx, "long_context", options_.batch_size);
  if (options_.lift.steps == 0) {
    ModelResponder tuned(ctx.tuned, ctx.tokenizer(), options_.batch_size);
    EvalOutput out = evaluate(*base, tuned, ctx.tokenizer());
    add_position_loss(out, ctx, options_.position_loss);
    return out;
  }
  LiftResponder tuned(ctx.tuned, ctx.tokenizer(), options_.lift, options_.batch_size);
  EvalOutput out = evaluate(*base, tuned, ctx.tokenizer());
  const double items = double(std::max<int64_t>(1, tuned.queries));
  for (const auto& [metric, value] : {std::pair{"lift_seconds_per_item", tuned.seconds / items},
                                      std::pair{"lift_trained_tokens_per_item", double(tuned.trained_tokens) / items}})
    out.aggregates.push_back({"long_context", "tuned", metric, value, std::nullopt, std::nullopt, std::nullopt, tuned.queries});
  add_position_loss(out, ctx, options_.position_loss);
  return out;
}

EvalOutput LongContext::evaluate(Responder& base, Responder& tuned, const Tokenizer& tok) const {
  const std::string suite = "long_context";
  const std::vector<SuiteItem> items = long_context_items(options_, tok);
  EvalOutput out;
  const SuiteScores scores = score_suite_items(suite, items, base, tuned, out);
  for (LongContextTask task : options_.tasks) {
    const std::string& name = long_context_task_name(task);
    std::vector<size_t> all;
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i].meta.at("task") == name) all.push_back(i);
    }
    add_score_aggregates(out, suite, name, {}, scores, all);
    std::vector<double> by_length[2];
    for (int64_t length : options_.lengths) {
      std::vector<size_t> at_length;
      for (size_t i : all) {
        if (items[i].meta.at("length") == length) at_length.push_back(i);
      }
      const Slices length_slice = {{"length", std::to_string(length)}};
      add_score_aggregates(out, suite, name, length_slice, scores, at_length);
      for (int m = 0; m < 2; ++m) {
        double sum = 0;
        for (size_t i : at_length) sum += (m == 0 ? scores.base : scores.tuned).score[i];
        by_length[m].push_back(sum / double(at_length.size()));
      }
      for (double depth : options_.depths) {
        std::vector<size_t> cell;
        for (size_t i : at_length) {
          if (items[i].meta.at("depth") == depth) cell.push_back(i);
        }
        add_score_aggregates(out, suite, name,
                             {{"length", std::to_string(length)}, {"depth", slice_value(depth)}},
                             scores, cell);
      }
    }
    for (int m = 0; m < 2; ++m) {
      const double value =
          double(effective_length(options_.lengths, by_length[m], options_.effective_fraction));
      out.aggregates.push_back({suite, m == 0 ? "base" : "tuned", name + "_effective_length", value,
                                std::nullopt, std::nullopt, std::nullopt, int64_t(all.size())});
    }
  }
  return out;
}

}  // namespace tb
