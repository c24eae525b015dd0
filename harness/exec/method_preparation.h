// A fine-tuning run's method made and prepared on its model, exactly as the worker does it
// before training: shared by the worker and by `run --dry-run`'s training budget, so that
// both draw the same random numbers in the same order and count the same parameters.
#pragma once
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "harness/data/rng.h"
#include "harness/data/task.h"
#include "harness/model/llama.h"
#include "harness/train/sft_batches.h"
#include "harness/train/training_options.h"
#include "methods/method.h"

namespace tb {

struct PreparedMethod {
  std::unique_ptr<Method> method;
  std::vector<torch::Tensor> params;  // what the optimiser updates
  TrainingOptions options;
};

// Batches of `batch_size` training items of `data`, drawn from `rng`, encoded with `tok`
// and cut to `max_tokens` inputs.
std::function<Batch(int64_t)> training_batches_from(const TaskData& data, int64_t batch_size,
                                                    std::shared_ptr<Rng> rng, const Tokenizer& tok,
                                                    int64_t max_tokens);

// Makes the method of `config` and prepares `tuned` with it; methods that initialise from
// data get batches from a stream of their own. Call after torch::manual_seed(run seed) and
// loading the base and tuned models, as the worker does. `reference` is the untouched base
// model, for on-policy and preference methods. Throws when the method selects no trainable
// parameters.
PreparedMethod prepare_method(const nlohmann::json& config, LlamaForCausalLM& tuned,
                              const TaskData& data, const Tokenizer& tok,
                              LlamaForCausalLM reference = LlamaForCausalLM(nullptr));

// The number of elements of `params`.
int64_t element_count(const std::vector<torch::Tensor>& params);

}  // namespace tb
