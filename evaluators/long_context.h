#pragma once
#include <nlohmann/json.hpp>

#include "evaluators/evaluator.h"
#include "evaluators/long_input_finetuning.h"
#include "evaluators/position_loss.h"
#include "evaluators/suite_scoring.h"
#include "harness/data/long_context_in_tokens.h"
#include "harness/spec/schema.h"

namespace tb {

struct LongContextOptions {
  std::vector<LongContextTask> tasks;
  std::vector<int64_t> lengths;  // BOS + prompt tokens
  std::vector<double> depths;    // relative position of the gold needle, in [0, 1]
  int64_t items_per_cell = 10;
  LongContextShape shape;
  double effective_fraction = 0.85;
  uint64_t seed = 0;  // item seed: every run of a sweep sees the same items
  int64_t batch_size = 32;
  PositionLossOptions position_loss;  // loss by position on held-out long text; off by default
  LiftOptions lift;                   // long-input fine-tuning of the tuned model per item; off by default

  static LongContextOptions from_json(const nlohmann::json& j);
};

const Schema& long_context_schema();
// Rules that need the model: every length fits the context with the answer after it, and
// is long enough for every task's needles and query.
void check_long_context(const nlohmann::json& options, const LlamaConfig& model, const Tokenizer& tok,
                        const JsonLocation& where);

// Every item of the grid task x length x depth x items_per_cell, held-out split. Item i of a
// cell depends only on (seed, task, length, depth, i), so growing the grid keeps old items.
std::vector<SuiteItem> long_context_items(const LongContextOptions& o, const Tokenizer& tok);

// The largest length up to which every score stays at or above `fraction` times the score at
// the shortest length; 0 when the shortest length scores 0. `lengths` ascending.
int64_t effective_length(const std::vector<int64_t>& lengths, const std::vector<double>& scores,
                         double fraction);

class LongContext : public Evaluator {
 public:
  explicit LongContext(LongContextOptions o) : options_(std::move(o)) {}
  EvalOutput evaluate(EvalContext& ctx) override;
  EvalOutput evaluate(Responder& base, Responder& tuned, const Tokenizer& tok) const;

 private:
  LongContextOptions options_;
};

}  // namespace tb
