#pragma once
#include <nlohmann/json.hpp>

#include "evaluators/evaluator.h"
#include "evaluators/suite_scoring.h"
#include "harness/data/pretrain_mixture.h"
#include "harness/spec/schema.h"
#include "harness/train/batch.h"

namespace tb {

struct ForgettingOptions {
  int64_t sequences = 64;
  int64_t seq_len = 64;
  std::vector<ControlTask> control_tasks;
  int64_t control_items = 100;      // per control task
  int64_t control_max_tokens = 64;  // longest passkey control item
  int64_t batch_size = 32;
  std::string heldout_file;  // held-out text from this file instead of the mixture ("": mixture)

  static ForgettingOptions from_json(const nlohmann::json& j);
};

const Schema& forgetting_schema();
void check_forgetting(const nlohmann::json& options, const LlamaConfig& model, const Tokenizer& tok,
                      const JsonLocation& where);

// Held-out items of the control tasks (formats of the pretraining mixture).
std::vector<SuiteItem> control_items(const ForgettingOptions& o, uint64_t seed);

class Forgetting : public Evaluator {
 public:
  explicit Forgetting(ForgettingOptions o) : options_(std::move(o)) {}
  EvalOutput evaluate(EvalContext& ctx) override;
  // Control-task accuracy before and after, and its retention (after / before).
  EvalOutput control_retention(Responder& base, Responder& tuned, uint64_t seed) const;

 private:
  Batch heldout_batch(const EvalContext& ctx) const;

  ForgettingOptions options_;
};

}  // namespace tb
