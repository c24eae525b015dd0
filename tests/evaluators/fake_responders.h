// Responders without a model, for the suites' tests: an oracle that answers every query
// with its gold answer, and one that always answers the same string.
#pragma once
#include "evaluators/responder.h"

namespace tb::testing {

class OracleResponder : public Responder {
 public:
  std::vector<Response> respond(const std::vector<Query>& queries) override {
    std::vector<Response> out;
    for (const auto& q : queries) out.push_back({q.answer, 0.0});
    return out;
  }
};

class ConstantResponder : public Responder {
 public:
  explicit ConstantResponder(std::string answer) : answer_(std::move(answer)) {}
  std::vector<Response> respond(const std::vector<Query>& queries) override {
    return std::vector<Response>(queries.size(), Response{answer_, -1.0});
  }

 private:
  std::string answer_;
};

}  // namespace tb::testing
