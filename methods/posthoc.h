// The interface of post-hoc methods (LiNeS, model soups, task arithmetic): they train
// nothing; they combine the weights of finished runs (their parents) and the base model
// into new weights, which are then evaluated like a tuned model.
#pragma once
#include <torch/types.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/model/safetensors.h"

namespace tb {

// A model's score on the task's validation items: exact-match accuracy, then the mean
// log-probability of the gold answers, which separates models of equal accuracy.
struct ValidationScore {
  double accuracy = 0;
  double answer_logprob = 0;
  bool operator>(const ValidationScore& o) const {
    return accuracy != o.accuracy ? accuracy > o.accuracy : answer_logprob > o.answer_logprob;
  }
  nlohmann::json to_json() const { return {{"accuracy", accuracy}, {"answer_logprob", answer_logprob}}; }
};

struct PosthocInputs {
  TensorMap base;                // the base model's parameters
  std::vector<TensorMap> parents;  // each parent run's merged model, in the cell's order
  // Only for methods that select on validation (greedy soup): scores weights on the task's
  // validation items.
  std::function<ValidationScore(const TensorMap&)> validation_score;
};

class PosthocMethod {
 public:
  virtual ~PosthocMethod() = default;
  virtual TensorMap combine(const PosthocInputs& inputs) = 0;
  // What the method decided (greedy soup's accepted ingredients and scores); method.json.
  virtual nlohmann::json details() const { return nlohmann::json::object(); }
  // Validation items the method needs (0: none).
  virtual int64_t validation_items() const { return 0; }
};

// theta = a(name) theta_0 + sum_i b_i(name) theta_i for every parameter, computed in
// double precision and rounded once to the parameters' type. Written this way (not as
// theta_0 + sum c_i tau_i) so that a = 0 with one b = 1 gives that parent bit for bit, a = 1
// with every b = 0 the base bit for bit, and the mean of identical parents that parent.
// Every parent must have exactly the base's parameter names and shapes.
TensorMap linear_combination(const TensorMap& base, const std::vector<const TensorMap*>& parents,
                             const std::function<double(const std::string& name)>& base_coefficient,
                             const std::function<double(const std::string& name, size_t parent)>& coefficient);

}  // namespace tb
