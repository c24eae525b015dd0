// How a task item meets the tokenizer, the same for training, scoring and validation: the
// prompt with BOS and the answer with EOS, or, for a conversation, the prompt and reply as
// the chat template rendered them (the template writes its own BOS and end-of-turn marker).
#pragma once
#include <string>

#include "harness/data/task.h"
#include "harness/text/tokenizer.h"

namespace tb {

// The prompt and target ids of an item.
Tokenizer::PromptTarget item_ids(const Tokenizer& tok, const TaskItem& item);

// True when the item has more than `max_tokens` inputs (everything but the last token).
bool item_truncated(const Tokenizer& tok, const TaskItem& item, int64_t max_tokens);

// What greedy decoding must output for an exact match: the answer, or for a conversation the
// rendered reply up to its first stop token (e.g. Qwen3's empty thinking block and the
// content, without <|im_end|>), decoded as the model's output is.
std::string expected_output(const Tokenizer& tok, const TaskItem& item);

}  // namespace tb
