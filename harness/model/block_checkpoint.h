// Gradient checkpointing per block (Chen et al. 2016, "Training Deep Nets with Sublinear
// Memory Cost", section 4.1, one segment per transformer block, as transformers'
// gradient_checkpointing_enable does): the forward pass keeps only each block's input; the
// backward pass runs the block again on it, with the generators as they were (the same
// dropout masks) and in the same precision, and backpropagates through that. Activation
// memory becomes one block's plus one hidden state per block, for about one more forward
// pass of compute; gradients are bit-identical to those without it.
#pragma once
#include <torch/types.h>

#include <functional>
#include <vector>

namespace tb {

using BlockFunction = std::function<torch::Tensor(const torch::Tensor&)>;

// y = block(x), recomputed in the backward pass. params: the block's parameters that are
// trained (their gradients come from the recomputation); compute_dtype: the precision the
// forward pass ran in (harness/model/compute_precision.h).
torch::Tensor checkpointed_block(const BlockFunction& block, const torch::Tensor& x,
                                 const std::vector<torch::Tensor>& params, torch::ScalarType compute_dtype);

}  // namespace tb
