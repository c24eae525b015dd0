#pragma once
#include <nlohmann/json.hpp>

#include "evaluators/evaluator.h"
#include "harness/data/gsm8k.h"
#include "evaluators/suite_scoring.h"
#include "harness/data/reasoning_items.h"
#include "harness/spec/schema.h"

namespace tb {

struct ReasoningOptions {
  bool chain = true, addition = true, gsm8k = false;
  std::vector<int64_t> chain_hops;
  std::vector<ChainFormat> chain_formats;
  int64_t trained_hops = 4;  // the pretraining mixture's longest chain
  std::vector<int64_t> addition_digits;
  std::vector<AdditionFormat> addition_formats;
  int64_t items = 50;  // per task x size x format
  std::vector<Gsm8kItem> gsm8k_items, gsm8k_fewshot;
  int64_t gsm8k_max_new_tokens = 256;
  uint64_t seed = 0;
  int64_t batch_size = 32;

  // Reads the GSM8K files named in the options (validated beforehand).
  static ReasoningOptions from_json(const nlohmann::json& j);
};

const Schema& reasoning_schema();
void check_reasoning(const nlohmann::json& options, const LlamaConfig& model, const Tokenizer& tok,
                     const JsonLocation& where);

// The chain and addition items (held-out split). Chain item i of a hop count is the same
// problem in both formats, so the chain-of-thought gain is paired per problem.
std::vector<SuiteItem> reasoning_items(const ReasoningOptions& o);

class Reasoning : public Evaluator {
 public:
  explicit Reasoning(ReasoningOptions o) : options_(std::move(o)) {}
  EvalOutput evaluate(EvalContext& ctx) override;
  EvalOutput evaluate(Responder& base, Responder& tuned) const;

 private:
  ReasoningOptions options_;
};

}  // namespace tb
