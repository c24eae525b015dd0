// Language-model batches from the pretraining mixture: documents as BOS text EOS,
// packed back to back into rows of seq_len + 1 tokens; loss on every position.
#pragma once
#include "harness/data/pretrain_mixture.h"
#include "harness/train/batch.h"

namespace tb {

Batch make_pretrain_batch(Rng& rng, const MixtureWeights& weights, Split split, int64_t rows, int64_t seq_len);

}  // namespace tb
