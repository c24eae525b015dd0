// Matched budgets: a method entry may ask for "trainable_params": N instead of a rank or a
// density. Before the grid is expanded, each such entry's budget knob (MethodInfo::
// budget_knob) is set to the value whose trainable-parameter count, as the worker counts it
// (training_budget.h), is nearest to N; the budget itself stays in the run's config.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/spec/spec.h"

namespace tb {

struct ResolvedBudget {
  size_t entry = 0;
  std::string method, knob;
  int64_t budget = 0, trainable_params = 0;
  double value = 0;  // the knob's value
};

// Resolves every budgeted entry of `spec` in place and says what it chose. A rank is the
// nearest whole rank the method's shape check allows (ties: the smaller); a density the one,
// rounded to 4 significant digits, whose count is nearest after one correction step.
std::vector<ResolvedBudget> resolve_budgets(Spec& spec, const std::filesystem::path& models_dir);

// "lora: trainable_params 3000 -> rank=3 (2,784 trainable)".
std::string budget_text(const ResolvedBudget& r);

}  // namespace tb
