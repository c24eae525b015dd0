#include "harness/exec/budget_resolution.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "harness/common/check.h"
#include "harness/exec/training_budget.h"
#include "harness/model/llama_config.h"
#include "harness/spec/grid.h"
#include "methods/registry.h"

namespace tb {
namespace {

// Counts entry `e`'s trainable parameters with its knob at a value, on its first cell.
class BudgetCounter {
 public:
  BudgetCounter(const Spec& spec, size_t e, const std::filesystem::path& models_dir)
      : spec_(spec),
        entry_(e),
        models_dir_(models_dir),
        info_(*find_method(spec.methods[e].values.at("method").get<std::string>())),
        model_(LlamaConfig::from_json(spec.base_model.at("architecture"))) {}

  const MethodInfo& info() const { return info_; }

  // Whether the method's shape check accepts the knob at `value` (rank <= min(in, out), ...).
  bool allowed(const nlohmann::json& value) const {
    if (info_.check == nullptr) return true;
    nlohmann::json hp = spec_.methods[entry_].values;
    hp[info_.budget_knob] = value;
    try {
      for (const auto& combo : expand_sweeps(hp, method_entry_schema(info_.name))) {
        info_.check(combo, model_, JsonLocation("budget"));
      }
      return true;
    } catch (const UserError&) {
      return false;
    }
  }

  int64_t count(const nlohmann::json& value) const {
    Spec one = spec_;
    one.methods = {spec_.methods[entry_]};
    one.methods[0].values[info_.budget_knob] = value;
    one.methods[0].trainable_params = 0;
    one.seeds = {spec_.seeds.front()};
    return training_budget(expand_grid(one).front().config, models_dir_).trainable_params;
  }

 private:
  const Spec& spec_;
  size_t entry_;
  std::filesystem::path models_dir_;
  const MethodInfo& info_;
  LlamaConfig model_;
};

double four_digits(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", v);
  return std::strtod(text, nullptr);
}

// The nearest whole rank: counts grow linearly with the rank (LoRA family, LIFT), so two
// counts place it, and its neighbours settle rounding and the shape check.
ResolvedBudget nearest_rank(const BudgetCounter& c, int64_t budget) {
  const int64_t c1 = c.count(1), slope = std::max<int64_t>(1, c.count(2) - c1);
  int64_t guess = std::max<int64_t>(1, std::llround(1.0 + double(budget - c1) / double(slope)));
  if (!c.allowed(guess)) {  // beyond what the shape allows: the largest allowed rank (bisection)
    int64_t ok = 1, bad = guess;
    while (bad - ok > 1) {
      const int64_t mid = ok + (bad - ok) / 2;
      (c.allowed(mid) ? ok : bad) = mid;
    }
    guess = ok;
  }
  ResolvedBudget best;
  best.trainable_params = -1;
  for (int64_t r : {guess - 1, guess, guess + 1}) {
    if (r < 1 || !c.allowed(r)) continue;
    const int64_t n = c.count(r);
    if (best.trainable_params < 0 ||
        std::llabs(n - budget) < std::llabs(best.trainable_params - budget)) {
      best.value = double(r);
      best.trainable_params = n;
    }
  }
  return best;
}

// The density whose count is nearest: counts are proportional to the density, so one
// count places it and a second corrects for rounding per matrix.
ResolvedBudget nearest_density(const BudgetCounter& c, int64_t budget) {
  auto clamp = [](double d) { return std::clamp(four_digits(d), 1e-6, 1.0); };
  constexpr double kProbe = 0.01;  // small enough for any target set (sparse's own default)
  const double d0 = clamp(kProbe * double(budget) / double(std::max<int64_t>(1, c.count(kProbe))));
  const int64_t n0 = c.count(d0);
  const double d1 = clamp(d0 * double(budget) / double(std::max<int64_t>(1, n0)));
  const int64_t n1 = d1 == d0 ? n0 : c.count(d1);
  ResolvedBudget best;
  const bool first = std::llabs(n0 - budget) <= std::llabs(n1 - budget);
  best.value = first ? d0 : d1;
  best.trainable_params = first ? n0 : n1;
  return best;
}

}  // namespace

std::vector<ResolvedBudget> resolve_budgets(Spec& spec, const std::filesystem::path& models_dir) {
  std::vector<ResolvedBudget> out;
  for (size_t e = 0; e < spec.methods.size(); ++e) {
    const int64_t budget = spec.methods[e].trainable_params;
    if (budget <= 0) continue;
    const BudgetCounter counter(spec, e, models_dir);
    const std::string knob = counter.info().budget_knob;
    ResolvedBudget r =
        knob == "rank" ? nearest_rank(counter, budget) : nearest_density(counter, budget);
    if (r.trainable_params < 0) {
      throw UserError(spec.file + ": methods[" + std::to_string(e) +
                      "].trainable_params: no rank of " + counter.info().name +
                      " fits this model's shape");
    }
    r.entry = e;
    r.method = counter.info().name;
    r.knob = knob;
    r.budget = budget;
    if (knob == "rank") {
      spec.methods[e].values[knob] = int64_t(r.value);
    } else {
      spec.methods[e].values[knob] = r.value;
    }
    out.push_back(r);
  }
  return out;
}

std::string budget_text(const ResolvedBudget& r) {
  char value[32];
  std::snprintf(value, sizeof value, "%g", r.value);
  return "methods[" + std::to_string(r.entry) + "] " + r.method + ": trainable_params " +
         std::to_string(r.budget) + " -> " + r.knob + "=" + value + " (" +
         std::to_string(r.trainable_params) + " trainable)";
}

}  // namespace tb
