#include "harness/data/addition_task.h"

namespace tb {

TaskItem AdditionTask::sample(Rng& rng) const {
  const ReasoningItem item = make_addition_item(rng.between(min_digits_, max_digits_), format_, rng, Split::kTrain);
  return {item.prompt, item.prompt, item.answer, ""};
}

AdditionFormat addition_format_of(const nlohmann::json& task_section) {
  return task_section.at("format").get<std::string>() == "plain" ? AdditionFormat::kPlain : AdditionFormat::kReversed;
}

}  // namespace tb
