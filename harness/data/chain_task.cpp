#include "harness/data/chain_task.h"

namespace tb {

TaskItem ChainTask::sample(Rng& rng) const {
  const ReasoningItem item = make_chain_item(rng.between(min_hops_, max_hops_), format_, rng, Split::kTrain);
  return {item.prompt, item.prompt, item.answer, ""};
}

ChainFormat chain_format_of(const nlohmann::json& task_section) {
  return task_section.at("format").get<std::string>() == "direct" ? ChainFormat::kDirect
                                                                  : ChainFormat::kChainOfThought;
}

std::string chain_final_answer(ChainFormat format, const std::string& answer) {
  if (format == ChainFormat::kDirect) return answer;
  const size_t at = answer.rfind("so ");
  return at == std::string::npos ? std::string() : answer.substr(at + 3);
}

}  // namespace tb
