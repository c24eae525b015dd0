// The "chain_arithmetic" task: the reasoning suite's chained arithmetic (an iGSM-lite,
// harness/data/reasoning_items.h) as training data, e.g. "q=3;x=q+4;m=x*2;m=?" -> "4", with
// hops drawn uniformly from [min_hops, max_hops]. Items come from the training side of the
// reasoning suite's split, so the suite's held-out chains (at any hop count) are never
// trained on. The base model's pretraining mixture writes chains of up to 4 hops in both
// formats, so it knows the format; a verifier checks the final value.
#pragma once
#include <nlohmann/json.hpp>

#include "harness/data/reasoning_items.h"
#include "harness/data/task.h"

namespace tb {

class ChainTask : public Task {
 public:
  ChainTask(int64_t min_hops, int64_t max_hops, ChainFormat format)
      : min_hops_(min_hops), max_hops_(max_hops), format_(format) {}
  TaskItem sample(Rng& rng) const override;

 private:
  int64_t min_hops_, max_hops_;
  ChainFormat format_;
};

// The format named in a validated chain_arithmetic section ("direct" | "chain_of_thought").
ChainFormat chain_format_of(const nlohmann::json& task_section);

// The final value an answer states: the whole text (direct), or what follows its last "so "
// (chain of thought; empty when there is none).
std::string chain_final_answer(ChainFormat format, const std::string& answer);

}  // namespace tb
