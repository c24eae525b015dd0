// Loss by position: the per-token cross-entropy of held-out long text, averaged over buckets
// of positions, for the base and the tuned model and their difference. This is the
// perplexity-by-position curve that "A Controlled Study on Long Context Extension and
// Generalization in LLMs" (Lu et al. 2024, §4) relates to retrieval: a model that extends
// its context keeps the loss falling (or flat) at positions past its trained length. The
// text is the pretraining mixture's held-out side packed into rows of `length` tokens, with
// its long-context documents up to that length. Part of the long_context suite.
#pragma once
#include <cstdint>

#include "evaluators/evaluator.h"

namespace tb {

struct PositionLossOptions {
  int64_t length = 0;  // tokens per sequence; 0: off
  int64_t sequences = 16;
  int64_t buckets = 8;
};

// Adds "position_ce@position=<first position of the bucket>" for "base", "tuned" and "delta"
// (tuned - base per sequence), each a mean over sequences with its interval, and
// "position_ce" over all positions.
void add_position_loss(EvalOutput& out, EvalContext& ctx, const PositionLossOptions& options);

}  // namespace tb
