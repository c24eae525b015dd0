// Language-model batches from the pretraining mixture: documents as BOS text EOS,
// packed back to back into rows of seq_len + 1 tokens; loss on every position. A document
// that does not fit in the rest of a row starts the next row instead, so that documents
// whose answer is at their end (long-context retrieval) are seen whole; while one waits, a
// further document that does not fit is cut at the row's end, as are documents longer
// than a row.
#pragma once
#include "harness/data/pretrain_mixture.h"
#include "harness/text/tokenizer.h"
#include "harness/train/batch.h"

namespace tb {

Batch make_pretrain_batch(Rng& rng, const MixtureWeights& weights, Split split, int64_t rows, int64_t seq_len,
                          const Tokenizer& tok);

}  // namespace tb
