// The evaluation-suite interface: (base model, tuned model, task, seed) -> per-item
// records and aggregates with uncertainty. Both models are scored by every suite so that
// differences can be paired item by item; the base model's side is read from
// ctx.base_cache when an earlier run of the same base model computed it.
#pragma once
#include <cstdint>
#include <vector>

#include "harness/analysis/stats.h"
#include "harness/data/task.h"
#include "harness/model/llama.h"
#include "harness/store/run_result.h"
#include "harness/text/byte_tokenizer.h"
#include "harness/text/model_text.h"
#include "harness/train/pretrain_options.h"

namespace tb {

class BaseCache;  // evaluators/base_cache.h

struct EvalContext {
  LlamaForCausalLM base{nullptr};
  LlamaForCausalLM tuned{nullptr};
  const TaskData* task = nullptr;                // the run's task items (eval split used)
  const PretrainOptions* pretraining = nullptr;  // the base model's pretraining mixture
  uint64_t seed = 0;
  const BaseCache* base_cache = nullptr;  // the base model's results of earlier runs; may be null
  // The base model's tokenizer and chat template; null: the synthetic models' byte tokenizer.
  const ModelText* text = nullptr;
  const Tokenizer& tokenizer() const { return text != nullptr ? text->tokenizer() : byte_tokenizer(); }
};

struct EvalOutput {
  std::vector<EvalAggregate> aggregates;
  std::vector<EvalItem> items;
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual EvalOutput evaluate(EvalContext& ctx) = 0;
};

// An aggregate record from an estimate.
EvalAggregate make_aggregate(const std::string& suite, const std::string& model,
                             const std::string& metric, const Estimate& e);

}  // namespace tb
