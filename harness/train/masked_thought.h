// Masked Thought (Chen et al., "Masked Thought: Simply Masking Partial Reasoning Steps Can
// Improve Mathematical Reasoning Learning of Language Models", ACL 2024, Sec. 2; reference
// code AlibabaResearch/DAMO-ConvAI MaskedThought/, models/mask_policy_utils.py and
// trainer/Trainer/trainer_436.py::compute_loss). Only the inputs are corrupted: in each
// sequence, n ~ Binomial(#response tokens, p_t) response positions, drawn uniformly
// without replacement, are replaced by the mask token (here the pad token) or, with
// replace "random", by a token drawn uniformly from the ordinary (not special) tokens. Labels stay the original tokens.
// The rate rises linearly: p_t = min(p_max t / (w T + 1), p_max), w = 0.66 by default
// (w = 0: the fixed rate p_max).
#pragma once
#include <cstdint>

#include "harness/data/rng.h"
#include "harness/text/tokenizer.h"
#include "harness/train/batch.h"
#include "harness/train/training_options.h"

namespace tb {

// p_t at 0-based step `step` of o.steps.
double masked_thought_rate_at(const TrainingOptions& o, int64_t step);

// The batch with response inputs replaced at `rate`, by random ordinary tokens or the pad
// token; labels and `response` unchanged.
Batch mask_response_inputs(const Batch& batch, double rate, bool random_tokens, Rng& rng, const Tokenizer& tok);

// A token drawn uniformly from the ordinary ones: ids below the block of special tokens at
// the end of the vocabulary, redrawn while special (the byte tokenizer: a byte).
int64_t random_ordinary_token(Rng& rng, const Tokenizer& tok);

}  // namespace tb
