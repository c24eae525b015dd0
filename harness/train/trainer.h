// The training loop shared by pretraining and every gradient-based method: AdamW,
// linear warm-up then the chosen decay, global-norm clipping, loss logged every
// log_every steps. A non-finite loss stops the run with NonFiniteLoss.
#pragma once
#include <functional>
#include <stdexcept>
#include <vector>

#include "harness/model/llama.h"
#include "harness/train/batch.h"
#include "harness/train/training_options.h"

namespace tb {

class Method;

class NonFiniteLoss : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Called for each logged value: (step, name, value). Steps count from 1.
using MetricSink = std::function<void(int64_t step, const std::string& name, double value)>;

struct TrainSummary {
  int64_t steps = 0;
  double seconds = 0;
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
                   Method* method, const MetricSink& sink);

}  // namespace tb
