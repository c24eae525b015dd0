// The base model's answers to a suite's queries, from the base-model cache (base_cache.h):
// the base model answers a suite's queries once, and every later run of that base model
// reads its answers back bit for bit.
#pragma once
#include <memory>

#include "evaluators/base_cache.h"
#include "evaluators/evaluator.h"
#include "evaluators/responder.h"

namespace tb {

class CachedResponder final : public Responder {
 public:
  // `inner` answers what the cache lacks. `key` holds what the answers depend on besides
  // the queries themselves and the cache's identity: the suite and the batch size.
  CachedResponder(std::unique_ptr<Responder> inner, const BaseCache& cache, nlohmann::json key);
  // The cache entry is keyed by the exact queries (prompt, answer, budget, stop text), so
  // items drawn from other seeds, options or task sections never share one.
  std::vector<Response> respond(const std::vector<Query>& queries) override;

 private:
  std::unique_ptr<Responder> inner_;
  const BaseCache& cache_;
  nlohmann::json key_;
};

// The base model's responder for `suite`: through ctx.base_cache when there is one.
std::unique_ptr<Responder> base_responder(const EvalContext& ctx, const std::string& suite,
                                          int64_t batch_size = kDefaultResponderBatch);

}  // namespace tb
