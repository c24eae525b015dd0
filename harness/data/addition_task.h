// The "addition" task: the reasoning suite's multi-digit addition as training data, plain
// ("123+456=" -> "579") or with reversed digits ("r321+654=" -> "975", Lee et al. 2023), with
// operands of min_digits..max_digits digits. Items come from the training side of the
// reasoning suite's split, so the suite's held-out sums are never trained on; the verifier
// is exact match of the whole output.
#pragma once
#include <nlohmann/json.hpp>

#include "harness/data/reasoning_items.h"
#include "harness/data/task.h"

namespace tb {

class AdditionTask : public Task {
 public:
  AdditionTask(int64_t min_digits, int64_t max_digits, AdditionFormat format)
      : min_digits_(min_digits), max_digits_(max_digits), format_(format) {}
  TaskItem sample(Rng& rng) const override;

 private:
  int64_t min_digits_, max_digits_;
  AdditionFormat format_;
};

// The format named in a validated addition section ("plain" | "reversed").
AdditionFormat addition_format_of(const nlohmann::json& task_section);

}  // namespace tb
