// Fine-tuning tasks: prompt -> answer items from seeded generators. The same generator
// feeds training and evaluation; a hash of the prompt decides which split an item is in,
// so the two are disjoint.
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/data/answer_normalizer.h"
#include "harness/data/rng.h"
#include "harness/spec/schema.h"

namespace tb {

struct TaskItem {
  std::string id;      // stable across runs: the prompt itself (file:line for file data)
  std::string prompt;  // model input, e.g. "rev(kxqa)="
  std::string answer;  // expected continuation, e.g. "aqxk" (EOS follows)
  // Conversations only: the reply as the chat template renders it, closing marker included.
  // Training and the teacher-forced score use it instead of answer + EOS, and the prompt,
  // which the template starts itself, gets no BOS added. Empty for every other item.
  std::string rendered_reply;
};

struct TaskData;

class Task {
 public:
  virtual ~Task() = default;
  // One random item of the whole item space (either split). Generated tasks only.
  virtual TaskItem sample(Rng& rng) const;
  // The items of a run: by default make_task_data's sampling of distinct items.
  virtual TaskData data(int64_t train_items, int64_t eval_items, uint64_t seed,
                        int64_t validation_items) const;
};

// The items of a task are generated, and held in memory, by spec validation and by every
// worker: a task may have at most this many tokens in all (about 1 GB of text).
inline constexpr int64_t kMaxTaskTokens = 200'000'000;

struct TaskData {
  std::vector<TaskItem> train;
  std::vector<TaskItem> eval;
  std::vector<TaskItem> validation;  // only when asked for: model selection (greedy soups)
  AnswerNormalizer answer_match = AnswerNormalizer::kExact;  // how task_accuracy compares
};

// `train_items` distinct training items and `eval_items` distinct held-out items, and
// `validation_items` more distinct items of the training side of the split that are not
// among the training items. The training and test items do not depend on
// `validation_items`. Fails (UserError) if the item space is too small for the request.
TaskData make_task_data(const Task& task, int64_t train_items, int64_t eval_items, uint64_t seed,
                        int64_t validation_items = 0);

class ModelText;  // harness/text/model_text.h

struct TaskInfo {
  std::string name;
  std::string summary;
  Schema options;  // includes train_items / eval_items
  // `text`: the base model's tokenizer and chat template (for data that needs rendering).
  std::unique_ptr<Task> (*make)(const nlohmann::json& options, const ModelText& text);
  // Cross-option rules beyond the schema (e.g. min_len <= max_len).
  void (*check)(const nlohmann::json& options, const JsonLocation& where);
  // Longest BOS + prompt + answer + EOS in tokens, for context-length checks; 0 for data
  // of unknown length (files), whose items are truncated to the context instead.
  int64_t (*max_tokens)(const nlohmann::json& options);
};

const std::vector<TaskInfo>& all_tasks();
const TaskInfo* find_task(const std::string& name);

// Builds the task named in a validated task section ({"name": ..., options...}).
std::unique_ptr<Task> make_task(const nlohmann::json& task_section, const ModelText& text);

}  // namespace tb
