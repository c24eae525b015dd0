// The training loss of one batch as the run's options define it: the loss named by
// training.loss (cross-entropy or DFT, harness/train/dft_loss.h) over the batch's labels,
// either from the full logits or, with training.vocabulary_chunk, fused with the LM head
// in vocabulary chunks (kernels/linear_cross_entropy.h) so the logits are never held. The
// fused path needs a plain LM head (no adapters on it); otherwise the full logits are used.
#pragma once
#include <torch/types.h>

#include "harness/model/llama.h"
#include "harness/train/batch.h"
#include "harness/train/training_options.h"

namespace tb {

torch::Tensor batch_loss(LlamaForCausalLM& model, const Batch& batch, const TrainingOptions& o);

}  // namespace tb
