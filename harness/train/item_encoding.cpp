#include "harness/train/item_encoding.h"

#include <algorithm>

namespace tb {

Tokenizer::PromptTarget item_ids(const Tokenizer& tok, const TaskItem& item) {
  const bool chat = !item.rendered_reply.empty();
  return tok.encode_prompt_target(item.prompt, chat ? item.rendered_reply : item.answer, !chat, !chat);
}

bool item_truncated(const Tokenizer& tok, const TaskItem& item, int64_t max_tokens) {
  const auto ids = item_ids(tok, item);
  return int64_t(ids.prompt.size() + ids.target.size()) - 1 > max_tokens;
}

std::string expected_output(const Tokenizer& tok, const TaskItem& item) {
  if (item.rendered_reply.empty()) return item.answer;
  std::vector<int64_t> reply = item_ids(tok, item).target;
  const auto& stop = tok.special().stop;
  const auto end = std::find_if(reply.begin(), reply.end(),
                                [&](int64_t id) { return std::find(stop.begin(), stop.end(), id) != stop.end(); });
  return tok.decode({reply.begin(), end});
}

}  // namespace tb
