#include "harness/data/kv_retrieval_task.h"

#include "harness/data/long_context_items.h"

namespace tb {

TaskItem KvRetrievalTask::sample(Rng& rng) const {
  const int64_t length = rng.between(min_length_, max_length_);
  const double depth = rng.uniform();
  const LongContextItem item =
      make_long_context_item(LongContextTask::kKvRetrieval, {}, length, depth, rng, Split::kTrain);
  return {item.prompt, item.prompt, item.answer};
}

}  // namespace tb
