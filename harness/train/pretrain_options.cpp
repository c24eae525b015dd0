#include "harness/train/pretrain_options.h"

namespace tb {

PretrainOptions PretrainOptions::from_json(const nlohmann::json& j) {
  PretrainOptions o;
  o.steps = j.at("steps").get<int64_t>();
  o.batch_size = j.at("batch_size").get<int64_t>();
  o.seq_len = j.at("seq_len").get<int64_t>();
  o.lr = j.at("lr").get<double>();
  o.warmup_steps = j.at("warmup_steps").get<int64_t>();
  o.weight_decay = j.at("weight_decay").get<double>();
  o.seed = j.at("seed").get<int64_t>();
  o.mixture.prose = j.at("prose_weight").get<double>();
  o.mixture.copy = j.at("copy_weight").get<double>();
  o.mixture.arithmetic = j.at("arithmetic_weight").get<double>();
  o.mixture.reversed_arithmetic = j.at("reversed_arithmetic_weight").get<double>();
  o.mixture.chain = j.at("chain_weight").get<double>();
  o.mixture.long_context = j.at("long_context_weight").get<double>();
  o.mixture.repeat = j.at("repeat_weight").get<double>();
  // Long-context documents as long as a training row: longer lengths are for evaluation.
  o.mixture.long_context_max_tokens = o.seq_len;
  return o;
}

const Schema& pretrain_schema() {
  static const Schema schema = {
      {.name = "steps", .type = FieldType::kInt, .default_value = 800, .min = 1, .max = kMaxSteps},
      {.name = "batch_size", .type = FieldType::kInt, .default_value = 32, .min = 1,
       .max = kMaxBatchSize},
      {.name = "seq_len", .type = FieldType::kInt, .default_value = 64, .min = 2,
       .max = kMaxTokens},
      {.name = "lr", .type = FieldType::kNumber, .default_value = 3e-3, .min = 0, .min_exclusive = true},
      {.name = "warmup_steps", .type = FieldType::kInt, .default_value = 50, .min = 0,
       .max = kMaxSteps},
      {.name = "weight_decay", .type = FieldType::kNumber, .default_value = 0.0, .min = 0},
      {.name = "seed", .type = FieldType::kInt, .default_value = 0, .min = 0},
      {.name = "prose_weight", .type = FieldType::kNumber, .default_value = 0.35, .min = 0},
      {.name = "copy_weight", .type = FieldType::kNumber, .default_value = 0.15, .min = 0},
      {.name = "arithmetic_weight", .type = FieldType::kNumber, .default_value = 0.1, .min = 0,
       .help = "plain addition of 0-99"},
      {.name = "reversed_arithmetic_weight", .type = FieldType::kNumber, .default_value = 0.05, .min = 0,
       .help = "reversed-digit addition of 1-3 digits"},
      {.name = "chain_weight", .type = FieldType::kNumber, .default_value = 0.15, .min = 0,
       .help = "chained arithmetic mod 10, 1-4 hops, direct and chain of thought"},
      {.name = "long_context_weight", .type = FieldType::kNumber, .default_value = 0.2, .min = 0,
       .help = "short long-context items (every task of the long_context suite) up to seq_len tokens"},
      {.name = "repeat_weight", .type = FieldType::kNumber, .default_value = 0.0, .min = 0,
       .help = "a random string of 8-24 letters written twice (in-context lookup); off by default"},
  };
  return schema;
}

}  // namespace tb
