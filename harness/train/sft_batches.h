// Supervised fine-tuning batches: BOS prompt answer EOS, loss on the answer and EOS only
// (prompt and padding positions are labelled -100), right-padded to the longest item.
// `response` marks the inputs that are answer tokens (the EOS is never an input).
#pragma once
#include <vector>

#include "harness/data/task.h"
#include "harness/train/batch.h"

namespace tb {

Batch make_sft_batch(const std::vector<TaskItem>& items, const std::vector<size_t>& indices);

}  // namespace tb
