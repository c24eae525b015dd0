// The "kv_retrieval" fine-tuning task: Lost-in-the-Middle key-value retrieval items (see
// long_context_items.h) of lengths drawn uniformly from [min_length, max_length], the gold
// pair at a uniform depth. Their gold facts come from the train side of the hash split, so
// the long_context suite's kv_retrieval items (held-out side) are never trained on; this is
// the fine-tuning format of "From Artificial Needles to Real Haystacks" (Xiong et al. 2024,
// arXiv 2406.19292) reduced to one key-value object.
#pragma once
#include "harness/data/task.h"

namespace tb {

class KvRetrievalTask : public Task {
 public:
  KvRetrievalTask(int64_t min_length, int64_t max_length)
      : min_length_(min_length), max_length_(max_length) {}
  TaskItem sample(Rng& rng) const override;

 private:
  int64_t min_length_, max_length_;
};

}  // namespace tb
