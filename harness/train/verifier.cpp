#include "harness/train/verifier.h"

#include "harness/common/check.h"
#include "harness/data/chain_task.h"
#include "harness/train/item_encoding.h"

namespace tb {

std::string why_no_verifier(const nlohmann::json& task_section) {
  if (task_section.at("name").get<std::string>() == "jsonl" &&
      task_section.at("format").get<std::string>() == "text") {
    return "a JSON Lines task in the \"text\" format has no answers to check";
  }
  return "";
}

Verifier make_verifier(const nlohmann::json& task_section, const TaskData& data, const Tokenizer& tok) {
  TB_CHECK(why_no_verifier(task_section).empty(), "the task has a verifier");
  if (task_section.at("name").get<std::string>() == "chain_arithmetic") {
    const ChainFormat format = chain_format_of(task_section);
    return [format](const TaskItem& item, const std::string& output) {
      return chain_final_answer(format, output) == chain_final_answer(format, item.answer) ? 1.0 : 0.0;
    };
  }
  const AnswerNormalizer match = data.answer_match;
  const Tokenizer* t = &tok;
  return [match, t](const TaskItem& item, const std::string& output) {
    return answer_match(match, output, expected_output(*t, item));
  };
}

}  // namespace tb
