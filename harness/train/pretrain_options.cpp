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
  o.mixture = {j.at("prose_weight").get<double>(), j.at("copy_weight").get<double>(),
               j.at("arithmetic_weight").get<double>()};
  return o;
}

const Schema& pretrain_schema() {
  static const Schema schema = {
      {.name = "steps", .type = FieldType::kInt, .default_value = 800, .min = 1},
      {.name = "batch_size", .type = FieldType::kInt, .default_value = 32, .min = 1},
      {.name = "seq_len", .type = FieldType::kInt, .default_value = 64, .min = 2},
      {.name = "lr", .type = FieldType::kNumber, .default_value = 3e-3, .min = 0, .min_exclusive = true},
      {.name = "warmup_steps", .type = FieldType::kInt, .default_value = 50, .min = 0},
      {.name = "weight_decay", .type = FieldType::kNumber, .default_value = 0.0, .min = 0},
      {.name = "seed", .type = FieldType::kInt, .default_value = 0, .min = 0},
      {.name = "prose_weight", .type = FieldType::kNumber, .default_value = 0.5, .min = 0},
      {.name = "copy_weight", .type = FieldType::kNumber, .default_value = 0.3, .min = 0},
      {.name = "arithmetic_weight", .type = FieldType::kNumber, .default_value = 0.2, .min = 0},
  };
  return schema;
}

}  // namespace tb
