// How tunebench pretrains its own base model on the synthetic mixture. Together with
// the architecture this is the base model's identity: its hash names the cache entry.
#pragma once
#include <nlohmann/json.hpp>

#include "harness/data/pretrain_mixture.h"
#include "harness/spec/schema.h"

namespace tb {

struct PretrainOptions {
  int64_t steps = 800;
  int64_t batch_size = 32;
  int64_t seq_len = 64;
  double lr = 3e-3;
  int64_t warmup_steps = 50;
  double weight_decay = 0.0;
  int64_t seed = 0;
  MixtureWeights mixture;

  static PretrainOptions from_json(const nlohmann::json& j);
};

const Schema& pretrain_schema();

}  // namespace tb
