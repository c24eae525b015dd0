// The "jsonl" task: a researcher's own fine-tuning data from JSON Lines files (formats in
// jsonl_dataset.h). The held-out items come from `eval_file`, or, without one, a fixed
// fraction of the training file chosen by a hash of each example's text, so the split
// does not depend on line order or seeds. `train_items` / `eval_items` (0: all) keep the
// first examples of each side in file order; validation items (greedy soups) are the
// training-side examples after them.
#pragma once
#include <filesystem>

#include "harness/data/jsonl_dataset.h"
#include "harness/data/task.h"

namespace tb {

struct JsonlTaskOptions {
  std::filesystem::path train_file, eval_file;  // eval_file empty: split train_file
  DataFormat format = DataFormat::kPromptCompletion;
  double eval_fraction = 0.1;  // share of train_file held out when there is no eval_file
  int64_t train_items = 0, eval_items = 0;  // 0: every example
  AnswerNormalizer answer_match = AnswerNormalizer::kExact;
};

class JsonlTask final : public Task {
 public:
  JsonlTask(JsonlTaskOptions options, ChatRenderer render);
  TaskData data(int64_t train_items, int64_t eval_items, uint64_t seed,
                int64_t validation_items) const override;

 private:
  JsonlTaskOptions options_;
  ChatRenderer render_;
};

// True when the example goes to the held-out side of a split of `eval_fraction`.
bool jsonl_item_held_out(const TaskItem& item, double eval_fraction);

}  // namespace tb
