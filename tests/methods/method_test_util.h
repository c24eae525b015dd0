// A tiny trained-for-a-few-steps setting shared by the method tests.
#pragma once
#include <functional>

#include "harness/data/reverse_task.h"
#include "harness/model/model_io.h"
#include "harness/spec/schema.h"
#include "harness/train/pretrain.h"
#include "harness/train/pretrain_options.h"
#include "harness/text/byte_tokenizer.h"
#include "harness/train/sft_batches.h"
#include "harness/train/trainer.h"
#include "methods/method.h"
#include "tests/test_util.h"

namespace tb::testing {

// The tiny model after a short pretraining on the mixture (computed once per test
// process). Methods that freeze the norms and the LM head cannot learn on a randomly
// initialised model: its frozen head caps every logit near 0.6.
inline LlamaForCausalLM pretrained_tiny_model() {
  static const TensorMap state = [] {
    nlohmann::json pre = nlohmann::json::object();
    for (const auto& f : pretrain_schema()) pre[f.name] = f.default_value;
    pre["steps"] = 150;
    pre["batch_size"] = 16;
    pre["seq_len"] = 32;
    // The method tests need only language-like text and short formats.
    pre["prose_weight"] = 0.5;
    pre["copy_weight"] = 0.3;
    pre["arithmetic_weight"] = 0.2;
    for (const char* w : {"reversed_arithmetic_weight", "chain_weight", "long_context_weight", "repeat_weight"})
      pre[w] = 0.0;
    const nlohmann::json base = {{"architecture", tiny_config().to_json()}, {"pretraining", pre}};
    auto model = pretrain_base_model(base, [](int64_t, const std::string&, double) {});
    TensorMap s;
    for (const auto& [k, v] : model_state(*model)) s[k] = v.clone();
    return s;
  }();
  LlamaForCausalLM model(tiny_config());
  load_model_state(*model, state);
  return model;
}

inline std::function<Batch(int64_t)> reverse_batches(const TaskData& data, uint64_t seed) {
  auto rng = std::make_shared<Rng>(seed);
  return [&data, rng](int64_t) {
    std::vector<size_t> idx;
    for (int i = 0; i < 16; ++i) idx.push_back(rng->below(data.train.size()));
    return make_sft_batch(data.train, idx, byte_tokenizer(), 1 << 20);
  };
}

// What the worker gives a method, for the tiny model `base` about to be tuned: the reverse
// items, a copy of `base` as the reference model, and a verifier that on-policy methods can
// satisfy from a random model (reward 1 when the output starts with an even byte), so their
// contract does not depend on solving the task. Batches of 4 prompts or pairs.
inline MethodContext method_context(int64_t steps, std::function<Batch(int64_t)> batches, const TaskData& data,
                                    LlamaForCausalLM& base) {
  LlamaForCausalLM reference(base->config, WeightInit::kEmpty);
  load_model_state(*reference, model_state(*base));
  MethodContext context{steps, std::move(batches), &byte_tokenizer()};
  context.data = &data;
  context.verifier = [](const TaskItem&, const std::string& output) {
    return !output.empty() && static_cast<unsigned char>(output[0]) % 2 == 0 ? 1.0 : 0.0;
  };
  context.reference = reference;
  context.seed = 5;
  context.batch_size = 4;
  return context;
}

// Trains `method` on the tiny model for `steps`; returns the loss of every step.
inline std::vector<double> train_with(Method& method, LlamaForCausalLM& model, const TaskData& data,
                                      int64_t steps, double lr) {
  const auto params = method.prepare(model, method_context(steps, reverse_batches(data, 99), data, model));
  TrainingOptions o;
  o.steps = steps;
  o.lr = lr;
  o.warmup_steps = 5;
  o.log_every = 1;
  std::vector<double> losses;
  train(model, params, o, reverse_batches(data, 0), &method,
        [&](int64_t, const std::string& name, double v) {
          if (name == "train_loss") losses.push_back(v);
        });
  return losses;
}

// Mean of the first and of the last `k` losses.
inline std::pair<double, double> first_and_last(const std::vector<double>& losses, size_t k = 5) {
  double first = 0, last = 0;
  for (size_t i = 0; i < k; ++i) {
    first += losses[i] / double(k);
    last += losses[losses.size() - 1 - i] / double(k);
  }
  return {first, last};
}

}  // namespace tb::testing
