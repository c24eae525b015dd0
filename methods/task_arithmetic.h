#pragma once
#include "methods/posthoc.h"

namespace tb {

struct MethodInfo;
MethodInfo task_arithmetic_info();

class TaskArithmetic : public PosthocMethod {
 public:
  explicit TaskArithmetic(double lambda) : lambda_(lambda) {}
  TensorMap combine(const PosthocInputs& inputs) override;

 private:
  double lambda_;
};

}  // namespace tb
