#pragma once
#include <string>

#include "methods/posthoc.h"

namespace tb {

struct MethodInfo;
MethodInfo soup_info();

struct SoupOptions {
  std::string recipe = "uniform";  // or "greedy"
  int64_t validation_items = 200;
  // Greedy: when a candidate soup is kept. "reject": only a strictly higher validation
  // accuracy (the reference code's ">"); "accept": an equal one too (Algorithm 1's ">=");
  // "logprob": a higher accuracy, or an equal one with a higher answer log-probability.
  std::string ties = "reject";
};

// Whether the greedy soup keeps a candidate scoring `candidate` over a soup scoring `soup`,
// under SoupOptions::ties.
bool greedy_accepts(const std::string& ties, const ValidationScore& candidate,
                    const ValidationScore& soup);

class Soup : public PosthocMethod {
 public:
  explicit Soup(SoupOptions o) : options_(std::move(o)) {}
  TensorMap combine(const PosthocInputs& inputs) override;
  nlohmann::json details() const override { return details_; }
  int64_t validation_items() const override {
    return options_.recipe == "greedy" ? options_.validation_items : 0;
  }

 private:
  SoupOptions options_;
  nlohmann::json details_ = nlohmann::json::object();
};

// The uniform average of the given models' parameters.
TensorMap uniform_soup(const TensorMap& base, const std::vector<const TensorMap*>& ingredients);

}  // namespace tb
