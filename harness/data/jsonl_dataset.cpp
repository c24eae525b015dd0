#include "harness/data/jsonl_dataset.h"

#include <fstream>

#include "harness/common/check.h"
#include "harness/data/gsm8k.h"

namespace tb {
namespace {

const std::vector<std::string> kFormatNames = {"prompt_completion", "alpaca", "messages", "text", "gsm8k"};

// Where a line's problem is: "train.jsonl:12: messages[1].content".
class LineLocation {
 public:
  LineLocation(const std::filesystem::path& file, int64_t line)
      : where_(file.string() + ":" + std::to_string(line)) {}
  [[noreturn]] void fail(const std::string& field, const std::string& message) const {
    throw UserError(where_ + (field.empty() ? "" : ": " + field) + ": " + message);
  }

 private:
  std::string where_;
};

std::string string_field(const nlohmann::ordered_json& record, const std::string& key, const LineLocation& at,
                         bool required = true) {
  const auto it = record.find(key);
  if (it == record.end() || it->is_null()) {
    if (required) at.fail(key, "missing (expected a string)");
    return "";
  }
  if (!it->is_string()) at.fail(key, "expected a string, got " + std::string(it->type_name()));
  return it->get<std::string>();
}

void check_messages(const nlohmann::ordered_json& messages, const LineLocation& at) {
  if (!messages.is_array() || messages.empty()) at.fail("messages", "expected a non-empty list of {\"role\", \"content\"}");
  for (size_t i = 0; i < messages.size(); ++i) {
    const std::string field = "messages[" + std::to_string(i) + "]";
    const auto& m = messages[i];
    if (!m.is_object()) at.fail(field, "expected an object {\"role\", \"content\"}");
    const std::string role = string_field(m, "role", at);
    if (role != "system" && role != "user" && role != "assistant") {
      at.fail(field + ".role", "expected \"system\", \"user\" or \"assistant\", got \"" + role + "\"");
    }
    string_field(m, "content", at);
  }
  if (messages.back().at("role") != "assistant") {
    at.fail("messages[" + std::to_string(messages.size() - 1) + "].role",
            "the last message must be the assistant's reply (the one trained on and scored)");
  }
}

// The conversation without its last reply, rendered with the generation prompt; the reply
// is what the full rendering adds to it.
TaskItem chat_item(const nlohmann::ordered_json& messages, const ChatRenderer& render, const LineLocation& at) {
  TaskItem item;
  nlohmann::ordered_json context = messages;
  context.erase(context.size() - 1);
  std::string full;
  try {
    item.prompt = render(context, true);
    full = render(messages, false);
  } catch (const UserError& e) {
    at.fail("messages", e.what());
  }
  if (full.compare(0, item.prompt.size(), item.prompt) != 0) {
    at.fail("messages", "the chat template does not render this conversation as its prompt (with the "
                        "generation prompt) followed by the reply, so the reply cannot be told apart");
  }
  item.rendered_reply = full.substr(item.prompt.size());
  item.answer = messages.back().at("content").get<std::string>();
  return item;
}

TaskItem item_of(const nlohmann::ordered_json& record, DataFormat format, const ChatRenderer& render,
                 const LineLocation& at) {
  switch (format) {
    case DataFormat::kPromptCompletion:
      return {.prompt = string_field(record, "prompt", at), .answer = string_field(record, "completion", at)};
    case DataFormat::kAlpaca:
      return {.prompt = alpaca_prompt(string_field(record, "instruction", at), string_field(record, "input", at, false)),
              .answer = string_field(record, "output", at)};
    case DataFormat::kText:
      return {.prompt = "", .answer = string_field(record, "text", at)};
    case DataFormat::kGsm8k:  // lm-eval's zero-shot gsm8k prompt; target_delimiter " "
      return {.prompt = gsm8k_prompt({string_field(record, "question", at), "", 0}, {}),
              .answer = " " + string_field(record, "answer", at)};
    case DataFormat::kMessages:
      if (!record.contains("messages")) at.fail("messages", "missing (expected a list of {\"role\", \"content\"})");
      check_messages(record.at("messages"), at);
      return chat_item(record.at("messages"), render, at);
  }
  TB_CHECK(false, "every format handled");
}

}  // namespace

const std::vector<std::string>& data_format_names() { return kFormatNames; }

std::optional<DataFormat> parse_data_format(const std::string& name) {
  for (size_t i = 0; i < kFormatNames.size(); ++i) {
    if (kFormatNames[i] == name) return DataFormat(i);
  }
  return std::nullopt;
}

// axolotl's "alpaca" prompter (prompters.py, AlpacaPrompter): Stanford Alpaca's two
// system prompts, each turn ending in "### Response:\n".
std::string alpaca_prompt(const std::string& instruction, const std::string& input) {
  if (input.empty()) {
    return "Below is an instruction that describes a task. Write a response that appropriately "
           "completes the request.\n\n### Instruction:\n" + instruction + "\n\n### Response:\n";
  }
  return "Below is an instruction that describes a task, paired with an input that provides further "
         "context. Write a response that appropriately completes the request.\n\n### Instruction:\n" +
         instruction + "\n\n### Input:\n" + input + "\n\n### Response:\n";
}

std::vector<TaskItem> read_jsonl_items(const std::filesystem::path& file, DataFormat format,
                                       const ChatRenderer& render) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw UserError(file.string() + ": cannot be read (expected a JSON Lines file)");
  std::vector<TaskItem> items;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r\n") == std::string::npos) continue;
    const LineLocation at(file, number);
    nlohmann::ordered_json record;
    try {
      record = nlohmann::ordered_json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      at.fail("", std::string("not valid JSON (") + e.what() + ")");
    }
    if (!record.is_object()) at.fail("", "expected a JSON object, got " + std::string(record.type_name()));
    TaskItem item = item_of(record, format, render, at);
    item.id = file.filename().string() + ":" + std::to_string(number);
    items.push_back(std::move(item));
  }
  if (items.empty()) throw UserError(file.string() + ": has no examples (expected one JSON object per line)");
  return items;
}

}  // namespace tb
