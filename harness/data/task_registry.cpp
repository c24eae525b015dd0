#include <cmath>
#include <unordered_set>

#include "harness/common/check.h"
#include "harness/data/addition_task.h"
#include "harness/data/chain_task.h"
#include "harness/data/jsonl_task.h"
#include "harness/data/kv_retrieval_task.h"
#include "harness/data/long_context_items.h"
#include "harness/data/long_documents_task.h"
#include "harness/data/pretrain_mixture.h"
#include "harness/data/reverse_task.h"
#include "harness/data/word_map_task.h"
#include "harness/data/task.h"
#include "harness/text/model_text.h"

namespace tb {
namespace {

Schema with_split_sizes(Schema s) {
  s.push_back({.name = "train_items",
               .type = FieldType::kInt,
               .default_value = 4000,
               .min = 1,
               .max = kMaxTrainItems,
               .help = "distinct training items"});
  s.push_back({.name = "eval_items",
               .type = FieldType::kInt,
               .default_value = 200,
               .min = 1,
               .max = kMaxEvalItems,
               .help = "distinct held-out evaluation items"});
  return s;
}

std::unique_ptr<Task> make_long_documents(const nlohmann::json& o, const ModelText&) {
  return std::make_unique<LongDocumentsTask>(o.at("length").get<int64_t>(), with_mixture_weights(o));
}

// The length, and the mixture's weights, left out unless given: the spec then fills in the
// base model's own (continued pretraining on the data it was pretrained on).
Schema long_documents_schema() {
  Schema s = with_split_sizes({
      {.name = "length", .type = FieldType::kInt, .default_value = 512, .min = 16, .max = kMaxTokens,
       .help = "UTF-8 bytes per item: tokens for the byte tokenizer, fewer for BPE tokenizers"},
  });
  for (Field f : mixture_weight_schema()) {
    f.default_value = nullptr;
    f.omit_when_absent = true;
    f.help += " (default: the base model's pretraining weight)";
    s.push_back(f);
  }
  return s;
}

void check_nothing(const nlohmann::json&, const JsonLocation&) {}

int64_t long_documents_max_tokens(const nlohmann::json& o) {
  return o.at("length").get<int64_t>() + 2;  // BOS text EOS
}

std::unique_ptr<Task> make_reverse(const nlohmann::json& o, const ModelText&) {
  return std::make_unique<ReverseTask>(o.at("min_len").get<int64_t>(), o.at("max_len").get<int64_t>());
}

void check_reverse(const nlohmann::json& o, const JsonLocation& where) {
  if (o.at("min_len").get<int64_t>() > o.at("max_len").get<int64_t>()) {
    where.key("min_len").fail("must be <= max_len (" + std::to_string(o.at("max_len").get<int64_t>()) + ")");
  }
}

int64_t reverse_max_tokens(const nlohmann::json& o) {
  return 1 + 6 + 2 * o.at("max_len").get<int64_t>() + 1;  // BOS rev( w )= w' EOS
}

template <WordMap kMap>
std::unique_ptr<Task> make_word_map(const nlohmann::json& o, const ModelText&) {
  return std::make_unique<WordMapTask>(kMap, o.at("min_len").get<int64_t>(), o.at("max_len").get<int64_t>(),
                                       o.value("shift", int64_t(0)));
}

int64_t word_map_max_tokens(const nlohmann::json& o) {
  return 1 + 8 + 2 * o.at("max_len").get<int64_t>() + 1;  // BOS shift( w )= w' EOS
}

Schema word_length_fields() {
  return {
      {.name = "min_len", .type = FieldType::kInt, .default_value = 3, .min = 1, .max = 64},
      {.name = "max_len", .type = FieldType::kInt, .default_value = 6, .min = 1, .max = 64},
  };
}

Schema caesar_schema() {
  Schema s = word_length_fields();
  s.push_back({.name = "shift", .type = FieldType::kInt, .default_value = 3, .min = 1, .max = 25,
               .help = "places each letter moves on, wrapping z to a"});
  return s;
}

std::unique_ptr<Task> make_kv_retrieval(const nlohmann::json& o, const ModelText&) {
  return std::make_unique<KvRetrievalTask>(o.at("min_length").get<int64_t>(), o.at("max_length").get<int64_t>());
}

void check_kv_retrieval(const nlohmann::json& o, const JsonLocation& where) {
  const int64_t shortest = long_context_min_length(LongContextTask::kKvRetrieval, {});
  if (o.at("min_length").get<int64_t>() < shortest) {
    where.key("min_length").fail("must be >= " + std::to_string(shortest) + " (two key-value pairs and the query)");
  }
  if (o.at("min_length").get<int64_t>() > o.at("max_length").get<int64_t>()) {
    where.key("min_length").fail("must be <= max_length (" + std::to_string(o.at("max_length").get<int64_t>()) + ")");
  }
}

int64_t kv_retrieval_max_tokens(const nlohmann::json& o) {
  return o.at("max_length").get<int64_t>() + long_context_max_answer_tokens(LongContextTask::kKvRetrieval, {}) + 1;
}

std::unique_ptr<Task> make_jsonl(const nlohmann::json& o, const ModelText& text) {
  JsonlTaskOptions options;
  options.train_file = checked_file_path(o.at("train_file"));
  if (o.contains("eval_file")) options.eval_file = checked_file_path(o.at("eval_file"));
  options.format = *parse_data_format(o.at("format").get<std::string>());
  options.eval_fraction = o.at("eval_fraction").get<double>();
  options.train_items = o.at("train_items").get<int64_t>();
  options.eval_items = o.at("eval_items").get<int64_t>();
  options.answer_match = *parse_answer_normalizer(o.at("answer_match").get<std::string>());
  return std::make_unique<JsonlTask>(options, [&text](const nlohmann::ordered_json& messages, bool prompt) {
    return text.render_chat(messages, prompt);
  });
}

void check_jsonl(const nlohmann::json&, const JsonLocation&) {}

int64_t jsonl_max_tokens(const nlohmann::json&) { return 0; }

std::unique_ptr<Task> make_chain(const nlohmann::json& o, const ModelText&) {
  return std::make_unique<ChainTask>(o.at("min_hops").get<int64_t>(), o.at("max_hops").get<int64_t>(),
                                     chain_format_of(o));
}

void check_chain(const nlohmann::json& o, const JsonLocation& where) {
  if (o.at("min_hops").get<int64_t>() > o.at("max_hops").get<int64_t>()) {
    where.key("min_hops").fail("must be <= max_hops (" + std::to_string(o.at("max_hops").get<int64_t>()) + ")");
  }
}

int64_t chain_max_tokens(const nlohmann::json& o) {
  const int64_t hops = o.at("max_hops").get<int64_t>();
  const ChainFormat format = chain_format_of(o);
  const int64_t marker = format == ChainFormat::kDirect ? 0 : 7;  // "steps: "
  // BOS, "a=3;", "b=a+4;" per hop, "m=?", the answer, EOS
  return 1 + marker + 4 + 6 * hops + 3 + chain_max_answer_tokens(hops, format) + 1;
}

std::unique_ptr<Task> make_addition(const nlohmann::json& o, const ModelText&) {
  return std::make_unique<AdditionTask>(o.at("min_digits").get<int64_t>(), o.at("max_digits").get<int64_t>(),
                                        addition_format_of(o));
}

void check_addition(const nlohmann::json& o, const JsonLocation& where) {
  if (o.at("min_digits").get<int64_t>() > o.at("max_digits").get<int64_t>()) {
    where.key("min_digits").fail("must be <= max_digits (" + std::to_string(o.at("max_digits").get<int64_t>()) + ")");
  }
}

int64_t addition_max_tokens(const nlohmann::json& o) {
  const int64_t digits = o.at("max_digits").get<int64_t>();
  return 1 + 1 + 2 * digits + 2 + (digits + 1) + 1;  // BOS, "r", a, "+", b, "=", the sum, EOS
}

Schema jsonl_schema() {
  return {
      {.name = "train_file", .type = FieldType::kFile, .help = "JSON Lines file, relative to the spec's folder"},
      {.name = "eval_file", .type = FieldType::kFile,
       .help = "held-out JSON Lines file; none: eval_fraction of train_file, chosen by hash",
       .omit_when_absent = true},
      {.name = "format", .type = FieldType::kString, .default_value = "prompt_completion",
       .choices = data_format_names(), .help = "what each line holds (see the README's data formats)"},
      {.name = "eval_fraction", .type = FieldType::kNumber, .default_value = 0.1, .min = 0,
       .min_exclusive = true, .max = 0.9, .help = "share of train_file held out when there is no eval_file"},
      {.name = "train_items", .type = FieldType::kInt, .default_value = 0, .min = 0, .max = kMaxTrainItems,
       .help = "the first N training examples; 0: all"},
      {.name = "eval_items", .type = FieldType::kInt, .default_value = 0, .min = 0, .max = kMaxEvalItems,
       .help = "the first N held-out examples; 0: all"},
      {.name = "answer_match", .type = FieldType::kString, .default_value = "exact",
       .choices = answer_normalizer_names(),
       .help = "task_accuracy's comparison and the verifier's: exact, strip, lower_strip, squad (SQuAD's "
               "normalize_answer), gsm8k or gsm8k_flexible (lm-eval's strict-match and flexible-extract numbers)"},
  };
}

}  // namespace

TaskItem Task::sample(Rng&) const { TB_CHECK(false, "only generated tasks sample items"); }

TaskData Task::data(int64_t train_items, int64_t eval_items, uint64_t seed, int64_t validation_items) const {
  return make_task_data(*this, train_items, eval_items, seed, validation_items);
}

const std::vector<TaskInfo>& all_tasks() {
  static const std::vector<TaskInfo> tasks = {
      {"reverse", "reverse a lowercase word: rev(kxqa)= -> aqxk",
       with_split_sizes(word_length_fields()), &make_reverse, &check_reverse, &reverse_max_tokens},
      {"sort_letters", "sort a word's letters: sort(kxqa)= -> akqx",
       with_split_sizes(word_length_fields()), &make_word_map<WordMap::kSortLetters>, &check_reverse,
       &word_map_max_tokens},
      {"caesar", "shift each letter `shift` places on (Caesar cipher): shift(abz)= -> dec",
       with_split_sizes(caesar_schema()), &make_word_map<WordMap::kCaesar>, &check_reverse, &word_map_max_tokens},
      {"uppercase", "copy a word in capitals: upper(kxqa)= -> KXQA",
       with_split_sizes(word_length_fields()), &make_word_map<WordMap::kUppercase>, &check_reverse,
       &word_map_max_tokens},
      {"kv_retrieval", "key-value retrieval in a JSON object of 6-hex-digit pairs: {\"3fa9c1\": \"7b20de\", ...} Key: \"3fa9c1\" Value: -> 7b20de",
       with_split_sizes({
           {.name = "min_length",
            .type = FieldType::kInt,
            .default_value = 64,
            .min = 2,
            .max = kMaxTokens,
            .help = "BOS + prompt tokens"},
           {.name = "max_length",
            .type = FieldType::kInt,
            .default_value = 128,
            .min = 2,
            .max = kMaxTokens,
            .help = "BOS + prompt tokens"},
       }),
       &make_kv_retrieval, &check_kv_retrieval, &kv_retrieval_max_tokens},
      {"chain_arithmetic",
       "chained arithmetic mod 10, the reasoning suite's chains as training data: q=3;x=q+4;m=x*2;m=? -> 4",
       with_split_sizes({
           {.name = "min_hops", .type = FieldType::kInt, .default_value = 1, .min = 1, .max = 25},
           {.name = "max_hops", .type = FieldType::kInt, .default_value = 4, .min = 1, .max = 25,
            .help = "the pretraining mixture writes chains of up to 4 hops"},
           {.name = "format", .type = FieldType::kString, .default_value = "direct",
            .choices = {"direct", "chain_of_thought"},
            .help = "direct: the final value; chain_of_thought: \"steps: \" prompts answered x=7;m=4;so 4"},
       }),
       &make_chain, &check_chain, &chain_max_tokens},
      {"addition", "multi-digit addition, the reasoning suite's sums as training data: 123+456= -> 579",
       with_split_sizes({
           {.name = "min_digits", .type = FieldType::kInt, .default_value = 1, .min = 1, .max = 18},
           {.name = "max_digits", .type = FieldType::kInt, .default_value = 3, .min = 1, .max = 18},
           {.name = "format", .type = FieldType::kString, .default_value = "plain", .choices = {"plain", "reversed"},
            .help = "reversed: operands and sum least-significant digit first, r321+654= -> 975"},
       }),
       &make_addition, &check_addition, &addition_max_tokens},
      {"long_documents",
       "language modelling on the pretraining mixture's documents packed to `length` bytes, its long-context "
       "documents up to that length (continued pretraining for context extension)",
       long_documents_schema(), &make_long_documents, &check_nothing, &long_documents_max_tokens},
      {"jsonl", "your own data from JSON Lines files: prompt_completion, alpaca, messages or text",
       jsonl_schema(), &make_jsonl, &check_jsonl, &jsonl_max_tokens},
  };
  return tasks;
}

const TaskInfo* find_task(const std::string& name) {
  for (const auto& t : all_tasks()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::unique_ptr<Task> make_task(const nlohmann::json& section, const ModelText& text) {
  const TaskInfo* info = find_task(section.at("name").get<std::string>());
  TB_CHECK(info != nullptr, "task validated by the spec");
  return info->make(section, text);
}

TaskData make_task_data(const Task& task, int64_t train_items, int64_t eval_items, uint64_t seed,
                        int64_t validation_items) {
  Rng rng(seed);
  TaskData data;
  std::unordered_set<std::string> seen;
  auto full = [&] {
    return int64_t(data.train.size()) >= train_items && int64_t(data.eval.size()) >= eval_items &&
           int64_t(data.validation.size()) >= validation_items;
  };
  // Rejection sampling. It gives up when the item space is clearly too small: after 50
  // draws per wanted item, or as soon as a long run of draws (longer as more items are
  // kept, so that the last rare items of a space can still come) brought nothing new.
  const int64_t max_draws = 50 * (train_items + eval_items + validation_items) + 1000;
  int64_t draws = 0, since_kept = 0;
  auto patience = [&] {
    return 1000 + 20 * int64_t(data.train.size() + data.eval.size() + data.validation.size());
  };
  while (!full() && draws < max_draws && since_kept < patience()) {
    ++draws;
    ++since_kept;
    TaskItem item = task.sample(rng);
    if (!seen.insert(item.id).second) continue;
    // Training-side items fill the training set first, so it is the same with or without
    // validation items; held-out items beyond eval_items are dropped.
    std::vector<TaskItem>* to = nullptr;
    if (is_held_out(item.id)) {
      if (int64_t(data.eval.size()) < eval_items) to = &data.eval;
    } else if (int64_t(data.train.size()) < train_items) {
      to = &data.train;
    } else if (int64_t(data.validation.size()) < validation_items) {
      to = &data.validation;
    }
    if (to == nullptr) continue;
    to->push_back(std::move(item));
    since_kept = 0;
  }
  if (!full()) {
    throw UserError(
        "the task has too few distinct items for train_items=" + std::to_string(train_items) +
        " and eval_items=" + std::to_string(eval_items) +
        (validation_items > 0 ? " and " + std::to_string(validation_items) + " validation items"
                              : "") +
        " (found " + std::to_string(data.train.size()) + " and " +
        std::to_string(data.eval.size()) + " in " + std::to_string(draws) + " draws, the last " +
        std::to_string(since_kept) + " without a new one); lower them or widen the task");
  }
  return data;
}

}  // namespace tb
