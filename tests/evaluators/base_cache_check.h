// Checks every suite's test runs against the base-model cache (evaluators/base_cache.h):
// through the cache a suite gives exactly what it gives without one, a warm cache answers
// for the base model, and other items or options never reuse an entry.
#pragma once
#include <gtest/gtest.h>

#include <functional>

#include "evaluators/base_cache.h"
#include "evaluators/evaluator.h"
#include "tests/test_util.h"

namespace tb::testing {

using Evaluate = std::function<EvalOutput(EvalContext&)>;

// The output as the store receives it, so that every field is compared exactly.
inline nlohmann::json stored(const EvalOutput& out) {
  RunResult result;
  result.evals = out.aggregates;
  result.items = out.items;
  const nlohmann::json j = result.to_json();
  return {{"evals", j.at("evals")}, {"items", j.at("items")}};
}

// Without a cache, with a cold one, with the warm one, and with the warm one but
// `other_base` in the context (only the cache can then give the first base's results).
inline void expect_base_cache_exact(const Evaluate& evaluate, EvalContext ctx,
                                    LlamaForCausalLM other_base) {
  ScratchDir dir("base-cache");
  const BaseCache cache(dir.path(), {{"model", "test"}});
  ctx.base_cache = nullptr;
  const nlohmann::json uncached = stored(evaluate(ctx));
  ctx.base_cache = &cache;
  EXPECT_EQ(stored(evaluate(ctx)), uncached) << "a cold cache changed the results";
  EXPECT_FALSE(std::filesystem::is_empty(dir.path()));
  EXPECT_EQ(stored(evaluate(ctx)), uncached) << "a warm cache changed the results";
  ctx.base = other_base;
  EXPECT_EQ(stored(evaluate(ctx)), uncached) << "the base model was evaluated again";
  ctx.base_cache = nullptr;
  EXPECT_NE(stored(evaluate(ctx)), uncached) << "another base model must score otherwise";
}

// After `first` filled the cache, `second` (other items, options or seeds), evaluated with
// `other_base`, gives what it gives without a cache: nothing of `first` is reused.
inline void expect_base_cache_miss(const Evaluate& first, const Evaluate& second, EvalContext ctx,
                                   LlamaForCausalLM other_base) {
  ScratchDir dir("base-cache");
  const BaseCache cache(dir.path(), {{"model", "test"}});
  ctx.base_cache = &cache;
  first(ctx);
  ctx.base = other_base;
  const nlohmann::json cached = stored(second(ctx));
  ctx.base_cache = nullptr;
  EXPECT_EQ(cached, stored(second(ctx)));
}

}  // namespace tb::testing
