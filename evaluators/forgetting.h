#pragma once
#include "evaluators/evaluator.h"

namespace tb {

struct ForgettingOptions {
  int64_t sequences = 64;
  int64_t seq_len = 64;
};

class Forgetting : public Evaluator {
 public:
  explicit Forgetting(ForgettingOptions o) : options_(o) {}
  EvalOutput evaluate(EvalContext& ctx) override;

 private:
  ForgettingOptions options_;
};

}  // namespace tb
