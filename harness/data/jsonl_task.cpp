#include "harness/data/jsonl_task.h"

#include "harness/common/check.h"
#include "harness/data/rng.h"

namespace tb {
namespace {

std::vector<TaskItem> first(std::vector<TaskItem> items, int64_t n) {
  if (n > 0 && int64_t(items.size()) > n) items.resize(size_t(n));
  return items;
}

}  // namespace

bool jsonl_item_held_out(const TaskItem& item, double eval_fraction) {
  const uint64_t h = fnv1a(item.prompt + '\x1f' + item.answer + '\x1f' + item.rendered_reply);
  return double(h % 1'000'000) < eval_fraction * 1e6;
}

JsonlTask::JsonlTask(JsonlTaskOptions options, ChatRenderer render)
    : options_(std::move(options)), render_(std::move(render)) {}

TaskData JsonlTask::data(int64_t train_items, int64_t eval_items, uint64_t /*seed: file order*/,
                         int64_t validation_items) const {
  std::vector<TaskItem> train_side, eval_side;
  for (TaskItem& item : read_jsonl_items(options_.train_file, options_.format, render_)) {
    const bool held_out = options_.eval_file.empty() && jsonl_item_held_out(item, options_.eval_fraction);
    (held_out ? eval_side : train_side).push_back(std::move(item));
  }
  if (!options_.eval_file.empty()) eval_side = read_jsonl_items(options_.eval_file, options_.format, render_);
  const std::string source = options_.train_file.filename().string();
  if (train_side.empty()) throw UserError(source + ": no training examples are left after the held-out split");
  if (eval_side.empty()) {
    throw UserError(source + ": no example fell into the held-out split (eval_fraction " +
                    std::to_string(options_.eval_fraction) + "); give an eval_file or raise eval_fraction");
  }
  TaskData data;
  data.answer_match = options_.answer_match;
  data.train = first(train_side, train_items);
  data.eval = first(std::move(eval_side), eval_items);
  if (validation_items > 0) {
    const size_t from = data.train.size();
    if (train_side.size() < from + size_t(validation_items)) {
      throw UserError(source + ": " + std::to_string(validation_items) + " validation items are needed after the " +
                      std::to_string(from) + " training items, but the training side has " +
                      std::to_string(train_side.size()) + " examples; lower task.train_items");
    }
    data.validation.assign(train_side.begin() + long(from), train_side.begin() + long(from) + validation_items);
  }
  return data;
}

}  // namespace tb
