// Supervised fine-tuning batches: BOS prompt answer EOS (a conversation: the rendered prompt
// and reply, framed by the chat template itself), loss on the answer and EOS only (prompt and
// padding positions are labelled -100), right-padded to the longest item. `response` marks
// the inputs that are answer tokens (the EOS is never an input). An item longer than
// `max_tokens` inputs is cut at the end, as TRL truncates.
#pragma once
#include <vector>

#include "harness/data/rng.h"
#include "harness/data/task.h"
#include "harness/text/tokenizer.h"
#include "harness/train/batch.h"

namespace tb {

Batch make_sft_batch(const std::vector<TaskItem>& items, const std::vector<size_t>& indices,
                     const Tokenizer& tok, int64_t max_tokens);

// The rows of one training batch of a continual stage (harness/exec/continual_run.h): each of
// `batch_size` rows comes with probability `replay` from `earlier` (the earlier stages'
// training items, pooled, uniformly), otherwise uniformly from `current`.
std::vector<TaskItem> replay_rows(const std::vector<TaskItem>& current,
                                  const std::vector<const std::vector<TaskItem>*>& earlier, int64_t batch_size,
                                  double replay, Rng& rng);

}  // namespace tb
