// The training loop shared by pretraining and every method: AdamW (or the method's
// optimiser), linear warm-up then the chosen decay, global-norm clipping, the loss the
// options name (cross-entropy or DFT), logged every log_every steps. A zeroth-order method
// (MeZO) gets a gradient-free loss closure instead of a backward pass; a method that makes
// its own loss (GRPO, DPO, RFT) is asked for it instead of a batch. A non-finite loss
// stops the run with NonFiniteLoss.
#pragma once
#include <functional>
#include <stdexcept>
#include <vector>

#include "harness/model/llama.h"
#include "harness/train/batch.h"
#include "harness/train/metric_sink.h"
#include "harness/train/training_options.h"

namespace tb {

class Method;

class NonFiniteLoss : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};


// Where a run stands between two steps: what a checkpoint must restore besides the
// weights and the optimiser, so that a resumed run logs and ends exactly as an
// uninterrupted one.
struct TrainProgress {
  int64_t step = 0;  // steps done
  double loss_sum = 0;  // losses since the last logged step
  int64_t loss_count = 0;
  int64_t tokens = 0;
  double seconds = 0;  // training time spent before this process
};

// Checkpoint and resume, and stopping early. All optional.
struct TrainHooks {
  // Called once with the optimiser before the first step: restores a checkpoint into
  // the model and optimiser and returns where to continue (step 0: from the start).
  std::function<TrainProgress(torch::optim::Optimizer&)> resume;
  int64_t checkpoint_every = 0;  // steps; 0: only when stopped
  std::function<void(const TrainProgress&, torch::optim::Optimizer&)> checkpoint;
  // Checked after every step; true: checkpoint and return with `stopped`.
  std::function<bool()> stop_requested;
  // Called after every step with the steps done, before any checkpoint of that step:
  // evaluation during training. It must leave the model's weights, mode and the global
  // generator as it found them; its time counts in TrainSummary::evaluation_seconds, not
  // in the training time.
  std::function<void(int64_t steps_done)> after_step;
};

struct TrainSummary {
  bool stopped = false;       // stop_requested() ended training early
  int64_t resumed_from = 0;   // the step a checkpoint restored (0: none)
  int64_t steps = 0;
  double seconds = 0;             // training time (the after_step hook's excluded)
  double evaluation_seconds = 0;  // in the after_step hook, this process
  double final_loss = 0;
  int64_t tokens = 0;                 // loss-bearing tokens seen
  int64_t optimizer_state_bytes = 0;  // measured at the end of training
};

// The optimiser settings the methods share: AdamW with the run's learning rate and
// weight decay, betas (0.9, 0.999), eps 1e-8.
torch::optim::AdamWOptions adamw_options(const TrainingOptions& o);

// Trains `params` of `model` for o.steps steps on next_batch(step). `method` (may be
// null: AdamW) makes the optimiser and gets after_step() after each optimiser step.
TrainSummary train(LlamaForCausalLM& model, const std::vector<torch::Tensor>& params,
                   const TrainingOptions& o, const std::function<Batch(int64_t step)>& next_batch,
                   Method* method, const MetricSink& sink, const TrainHooks& hooks = {});

}  // namespace tb
