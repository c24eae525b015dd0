#pragma once
#include "methods/posthoc.h"

namespace tb {

struct MethodInfo;
MethodInfo lines_info();

// lambda for a parameter of a model with `layers` blocks: alpha + beta * l / (L - 1) inside
// block l (model.layers.l.*), alpha outside the blocks (embeddings, final norm, LM head).
double lines_scale(const std::string& parameter, int64_t layers, double alpha, double beta);

class Lines : public PosthocMethod {
 public:
  Lines(double alpha, double beta) : alpha_(alpha), beta_(beta) {}
  TensorMap combine(const PosthocInputs& inputs) override;

 private:
  double alpha_, beta_;
};

}  // namespace tb
