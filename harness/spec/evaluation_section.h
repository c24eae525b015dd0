// The spec's `evaluation` section: the suites every run is scored with after training
// ({suite: options}), and evaluation during training: `every` (a step interval, or a list
// of steps) with `during` (optionally a cheaper set of suites for those steps; default:
// the same suites). A run's config carries its own schedule as "evaluation_during"
// {"steps", "suites"} (absent when none), so run keys of specs without one are unchanged.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>

#include "harness/spec/schema.h"

namespace tb {

struct LlamaConfig;
class Tokenizer;

// {suite: options} with defaults filled, each suite's options checked; `every` and
// `during` are left to parse_evaluation_during. UserError with the JSON path.
nlohmann::json parse_evaluation(const nlohmann::json& section, const JsonLocation& at, const LlamaConfig& model,
                                const Tokenizer& tok);

// {"every": N} or {"steps": [..]} with "suites"; null when the section asks for no
// evaluation during training. `suites` are the section's own (already parsed) suites
// unless `during` names others.
nlohmann::json parse_evaluation_during(const nlohmann::json& section, const JsonLocation& at,
                                       const nlohmann::json& suites, const LlamaConfig& model, const Tokenizer& tok);

// The run config entry for a run of `steps` training steps: {"steps": the evaluation
// steps in 1..steps, ascending, the last step always (so curves end at the final
// evaluation), "suites"}; null when `during` is null. Listed steps past the run's last are
// not part of its schedule (a steps grid shares one list).
nlohmann::json evaluation_during_for_run(const nlohmann::json& during, int64_t steps);

}  // namespace tb
