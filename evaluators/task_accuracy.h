#pragma once
#include "evaluators/evaluator.h"

namespace tb {

class TaskAccuracy : public Evaluator {
 public:
  EvalOutput evaluate(EvalContext& ctx) override;
};

}  // namespace tb
