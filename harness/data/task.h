// Fine-tuning tasks: prompt -> answer items from seeded generators. The same generator
// feeds training and evaluation; a hash of the prompt decides which split an item is in,
// so the two are disjoint.
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/data/rng.h"
#include "harness/spec/schema.h"

namespace tb {

struct TaskItem {
  std::string id;      // stable across runs: the prompt itself
  std::string prompt;  // model input, e.g. "rev(kxqa)="
  std::string answer;  // expected continuation, e.g. "aqxk" (EOS follows)
};

class Task {
 public:
  virtual ~Task() = default;
  // One random item of the whole item space (either split).
  virtual TaskItem sample(Rng& rng) const = 0;
};

// The items of a task are generated, and held in memory, by spec validation and by every
// worker: a task may have at most this many tokens in all (about 1 GB of text).
inline constexpr int64_t kMaxTaskTokens = 200'000'000;

struct TaskData {
  std::vector<TaskItem> train;
  std::vector<TaskItem> eval;
  std::vector<TaskItem> validation;  // only when asked for: model selection (greedy soups)
};

// `train_items` distinct training items and `eval_items` distinct held-out items, and
// `validation_items` more distinct items of the training side of the split that are not
// among the training items. The training and test items do not depend on
// `validation_items`. Fails (UserError) if the item space is too small for the request.
TaskData make_task_data(const Task& task, int64_t train_items, int64_t eval_items, uint64_t seed,
                        int64_t validation_items = 0);

struct TaskInfo {
  std::string name;
  std::string summary;
  Schema options;  // includes train_items / eval_items
  std::unique_ptr<Task> (*make)(const nlohmann::json& options);
  // Cross-option rules beyond the schema (e.g. min_len <= max_len).
  void (*check)(const nlohmann::json& options, const JsonLocation& where);
  // Longest BOS + prompt + answer + EOS in tokens, for context-length checks.
  int64_t (*max_tokens)(const nlohmann::json& options);
};

const std::vector<TaskInfo>& all_tasks();
const TaskInfo* find_task(const std::string& name);

// Builds the task named in a validated task section ({"name": ..., options...}).
std::unique_ptr<Task> make_task(const nlohmann::json& task_section);

}  // namespace tb
