// Fine-tuning data from JSON Lines files, one example per line, in the formats TRL and
// axolotl read (field names as they spell them):
// - "prompt_completion": {"prompt": "...", "completion": "..."} (TRL's standard
//   prompt-completion form); loss on the completion.
// - "alpaca": {"instruction": "...", "input": "..." (optional), "output": "..."}, the prompt
//   written with the Stanford Alpaca template (axolotl's "alpaca" type); loss on the output.
// - "messages": {"messages": [{"role": "system" | "user" | "assistant", "content": "..."},
//   ...]} (the OpenAI / TRL conversational form), rendered with the chat template; the last
//   message must be the assistant's, and the loss is on that reply. Earlier assistant turns
//   are context, as in TRL's conversational prompt-completion form.
// - "text": {"text": "..."}: language modelling, loss on every token.
// - "gsm8k": {"question": "...", "answer": "..."} (GSM8K's own files): the prompt is
//   lm-evaluation-harness's zero-shot "Question: {question}\nAnswer:", the completion " " and
//   the full answer (worked solution, "#### N"); pair it with answer_match "gsm8k".
// Lines that are empty or only whitespace are skipped; any other line that is not a JSON
// object with the format's string fields is a UserError naming file:line and the field.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/data/task.h"

namespace tb {

enum class DataFormat { kPromptCompletion, kAlpaca, kMessages, kText, kGsm8k };

const std::vector<std::string>& data_format_names();
std::optional<DataFormat> parse_data_format(const std::string& name);

// Renders a conversation with the chat template: (messages, add_generation_prompt) -> text.
using ChatRenderer = std::function<std::string(const nlohmann::ordered_json& messages, bool add_generation_prompt)>;

// The items of `file`. Item ids are "<file name>:<line>". `render` is needed (and only
// used) for the "messages" format.
std::vector<TaskItem> read_jsonl_items(const std::filesystem::path& file, DataFormat format,
                                       const ChatRenderer& render);

// The Stanford Alpaca prompt for an instruction and an optional input.
std::string alpaca_prompt(const std::string& instruction, const std::string& input);

}  // namespace tb
