// The fine-tuning method interface. A method decides what is trained (freeze, attach
// adapters, choose masks), which optimiser updates it, and how it folds back into one
// dense model.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "harness/data/task.h"
#include "harness/model/hf_checkpoint.h"
#include "harness/model/llama.h"
#include "harness/text/tokenizer.h"
#include "harness/train/batch.h"
#include "harness/train/metric_sink.h"
#include "harness/train/training_options.h"

namespace tb {

// What a method may use while it prepares the model.
struct MethodContext {
  int64_t total_steps = 0;  // optimiser steps the run will take
  // Training batches for methods that initialise from data (EVA). They come from
  // their own seeded stream, so the trainer's batches are the same with or without.
  std::function<Batch(int64_t)> batches;
  // The run's tokenizer (prompt tuning's text initialisation); may be null in tests.
  const Tokenizer* tokenizer = nullptr;
  // On-policy and preference methods (GRPO, DPO, RFT): the task's items, its verifier (the
  // reward: 1 when an output answers an item), the reference model (the untouched base
  // model, never trained) and the run's seed, from which they seed their sampling per step.
  const TaskData* data = nullptr;
  std::function<double(const TaskItem& item, const std::string& output)> verifier;
  LlamaForCausalLM reference{nullptr};
  uint64_t seed = 0;
  int64_t batch_size = 0;  // training.batch_size
};

// The training loss a method made itself, and the loss-bearing tokens behind it.
struct MethodLoss {
  torch::Tensor loss;
  int64_t tokens = 0;
};

class Method {
 public:
  virtual ~Method() = default;
  // Freezes what the method does not train and attaches what it adds; returns exactly
  // the parameters the optimiser updates. Random initialisation uses LibTorch's global
  // generator, which the worker seeds with the run's seed.
  virtual std::vector<torch::Tensor> prepare(LlamaForCausalLM& model,
                                             const MethodContext& context) = 0;
  // The optimiser for the parameters prepare() returned. Default: AdamW with the run's
  // learning rate and weight decay, betas (0.9, 0.999), eps 1e-8.
  virtual std::unique_ptr<torch::optim::Optimizer> make_optimizer(
      const std::vector<torch::Tensor>& params, const TrainingOptions& options);
  // True for a method whose optimiser computes its own update from loss values alone
  // (MeZO): the trainer then calls optimizer.step(closure) with a closure that returns the
  // batch's loss without gradients, in eval mode, instead of backpropagating.
  virtual bool zeroth_order() const { return false; }
  // True for a method that makes its own training signal (GRPO, DPO, RFT): the trainer then
  // takes each step's loss from own_loss() instead of a batch of training items, and
  // backpropagates, clips and steps as for any loss.
  virtual bool makes_own_loss() const { return false; }
  // The loss of step `step` (0-based) on `model`, with its graph; the method writes what it
  // measures (rewards, KL, ...) to `log` at step + 1.
  virtual MethodLoss own_loss(LlamaForCausalLM& model, int64_t step, const MetricSink& log) { return {}; }
  // A term added to every step's training loss, with its graph (O-LoRA's orthogonality
  // penalty); undefined: none. Gradient-based methods only.
  virtual torch::Tensor loss_penalty() { return {}; }
  // Continual runs (harness/exec/continual_run.h): true for a method whose adapters stay in
  // the model, frozen, when a stage ends, and whose next stage's instance prepares a new one
  // beside them (O-LoRA). Others either fold a stage's training into the weights and prepare
  // afresh, or continue, as training.between_stages says.
  virtual bool stacks_stages() const { return false; }
  // Called after every optimiser step (mask refresh, regrowth, ...); steps count from 0.
  virtual void after_step(int64_t step, torch::optim::Optimizer& optimizer) {}
  // What the method decided while preparing and training (EVA's per-layer ranks, HFT's
  // drawn matrices, reselection counts, ...); written to the run folder as method.json.
  virtual nlohmann::json details() const { return nlohmann::json::object(); }
  // For checkpoints: what after_step() keeps besides the model's parameters and buffers
  // (gradient accumulators, counters), as tensors by name and plain values. Methods with
  // such state override both; load_state() gets what save_state() gave.
  virtual void save_state(std::map<std::string, torch::Tensor>& tensors, nlohmann::json& values) const {}
  virtual void load_state(const std::map<std::string, torch::Tensor>& tensors,
                          const nlohmann::json& values) {}
  // Folds everything the method added into the dense weights: afterwards the model is a
  // plain Llama, so evaluation and analysis see one kind of model. Methods that cannot
  // fold (prompt tuning) leave their parameters in the model, which saves them.
  virtual void merge(LlamaForCausalLM& model) {}
  // The trained adapter as PEFT saves it, read before merge(); nullopt when PEFT has no
  // adapter type for the method. `base` is the untouched base model.
  virtual std::optional<PeftAdapter> peft_adapter(LlamaForCausalLM& tuned, LlamaForCausalLM& base) {
    return std::nullopt;
  }
};

// Sets requires_grad = false on every parameter of the model.
void freeze_all(torch::nn::Module& model);

// Freezes the model, attaches make(full name, projection) under `name` to every projection that
// `target_modules` selects, and returns the adapters' parameters (in model order): what
// the methods that train adapters on projections train.
std::vector<torch::Tensor> attach_adapters(
    LlamaForCausalLM& model, const std::vector<std::string>& target_modules,
    const std::string& name,
    const std::function<std::shared_ptr<LinearAdapter>(const std::string& name, AdaptedLinear&)>&
        make);

// Folds every adapter of every projection into its weight (the merge of the methods
// whose adapters all sit on projections).
void merge_all_projections(LlamaForCausalLM& model);

}  // namespace tb
