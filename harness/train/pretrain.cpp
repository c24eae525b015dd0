#include "harness/train/pretrain.h"

#include "harness/spec/grid.h"
#include "harness/text/model_text.h"
#include "harness/train/pretrain_batches.h"
#include "harness/train/pretrain_options.h"

namespace tb {

std::filesystem::path base_model_path(const std::filesystem::path& models_dir, const nlohmann::json& base_model) {
  return models_dir / base_model_key(base_model) / "model.safetensors";
}

LlamaForCausalLM pretrain_base_model(const nlohmann::json& base_model, const MetricSink& sink) {
  const PretrainOptions p = PretrainOptions::from_json(base_model.at("pretraining"));
  torch::manual_seed(p.seed);
  LlamaForCausalLM model(LlamaConfig::from_json(base_model.at("architecture")));
  TrainingOptions o;
  o.steps = p.steps;
  o.batch_size = p.batch_size;
  o.lr = p.lr;
  o.warmup_steps = p.warmup_steps;
  o.weight_decay = p.weight_decay;
  o.schedule = "cosine";
  o.log_every = std::max<int64_t>(1, p.steps / 20);
  Rng rng(uint64_t(p.seed) * 0x9e3779b97f4a7c15ULL + 1);
  const ModelText text(base_model);
  auto next_batch = [&](int64_t) {
    return make_pretrain_batch(rng, p.mixture, Split::kTrain, p.batch_size, p.seq_len, text.tokenizer());
  };
  train(model, model->parameters(), o, next_batch, nullptr, sink);
  return model;
}

}  // namespace tb
