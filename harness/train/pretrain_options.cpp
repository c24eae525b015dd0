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
  o.mixture = with_mixture_weights(j);
  // Long-context documents as long as a training row: longer lengths are for evaluation.
  o.mixture.long_context_max_tokens = o.seq_len;
  return o;
}

const Schema& pretrain_schema() {
  static const Schema schema = [] {
    Schema s = {
        {.name = "steps", .type = FieldType::kInt, .default_value = 800, .min = 1, .max = kMaxSteps},
        {.name = "batch_size", .type = FieldType::kInt, .default_value = 32, .min = 1, .max = kMaxBatchSize},
        {.name = "seq_len", .type = FieldType::kInt, .default_value = 64, .min = 2, .max = kMaxTokens},
        {.name = "lr", .type = FieldType::kNumber, .default_value = 3e-3, .min = 0, .min_exclusive = true},
        {.name = "warmup_steps", .type = FieldType::kInt, .default_value = 50, .min = 0, .max = kMaxSteps},
        {.name = "weight_decay", .type = FieldType::kNumber, .default_value = 0.0, .min = 0},
        {.name = "seed", .type = FieldType::kInt, .default_value = 0, .min = 0},
    };
    const Schema& weights = mixture_weight_schema();
    s.insert(s.end(), weights.begin(), weights.end());
    return s;
  }();
  return schema;
}

}  // namespace tb
