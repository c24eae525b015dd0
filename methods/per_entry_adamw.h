// AdamW with a step count ("age") per entry, the optimiser of SpIEL's reference code
// (AlanAnsell/peft, sft/optimizer.py, SftAdamW): an entry that joins a sparse
// parameter mid-run gets its own bias correction. Per entry, with t its age:
//   m = β1 m + (1-β1) g,  v = β2 v + (1-β2) g²,
//   p -= lr m / ((sqrt(v) + eps) (1-β1^t) / sqrt(1-β2^t)),  p -= lr wd p,  t += 1.
// Ages start at 1, so an untouched entry follows AdamW exactly (eps aside, which the
// reference adds before the bias correction).
#pragma once
#include <torch/torch.h>

#include <vector>

namespace tb {

class PerEntryAdamW : public torch::optim::Optimizer {
 public:
  PerEntryAdamW(const std::vector<torch::Tensor>& params,
                const torch::optim::AdamWOptions& options);
  torch::Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace tb
