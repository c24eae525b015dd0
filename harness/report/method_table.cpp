#include "harness/report/method_table.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "harness/common/check.h"
#include "harness/common/strings.h"
#include "harness/store/store.h"

namespace tb {
namespace {

const std::string kBaseLabel = "base model";

// One run's stored aggregates (value and item-level SE) by "suite|model|metric".
using RunEvals = std::map<std::string, SeedValue>;

std::optional<SeedValue> find(const RunEvals& e, const std::string& suite, const std::string& model,
                              const std::string& metric) {
  const auto it = e.find(suite + "|" + model + "|" + metric);
  return it == e.end() ? std::nullopt : std::optional<SeedValue>(it->second);
}

// The macro-average of a suite's unsliced "<task>_accuracy" metrics for one model, with
// SE = sqrt(Σ SE²) / n where the tasks' items are disjoint (long context). Reasoning's
// metrics share items (an extrapolation subset, gsm8k's strict and flexible scores of the
// same answers), so its average has no item-level SE.
std::optional<SeedValue> mean_task_accuracy(const RunEvals& e, const std::string& suite, const std::string& model) {
  const std::string prefix = suite + "|" + model + "|";
  double sum = 0, variance = 0;
  bool known_se = true;
  int n = 0;
  for (auto it = e.lower_bound(prefix); it != e.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    const std::string metric = it->first.substr(prefix.size());
    if (metric.find('@') != std::string::npos || !ends_with(metric, "_accuracy")) continue;
    sum += it->second.value;
    if (it->second.stderr_value) variance += *it->second.stderr_value * *it->second.stderr_value;
    known_se = known_se && it->second.stderr_value.has_value();
    ++n;
  }
  if (n == 0) return std::nullopt;
  SeedValue v{sum / n, std::nullopt};
  if (known_se && suite != "reasoning") v.stderr_value = std::sqrt(variance) / n;
  return v;
}

// The value of evaluation field `id` for one run, of its tuned model or (`base`) of its
// base model; nullopt where the field does not apply.
std::optional<SeedValue> eval_field(const std::string& id, const RunEvals& e, bool base) {
  const std::string model = base ? "base" : "tuned";
  if (id == "target_accuracy") return find(e, "task_accuracy", model, "accuracy");
  if (id == "delta_held_out_ce") return base ? std::nullopt : find(e, "forgetting", "delta", "held_out_ce");
  if (id == "kl_from_base") return base ? std::nullopt : find(e, "forgetting", "tuned", "kl_from_base");
  if (id == "control_retention") return base ? std::nullopt : find(e, "forgetting", "tuned", "control_retention");
  if (id == "long_context_accuracy") return mean_task_accuracy(e, "long_context", model);
  if (id == "reasoning_accuracy") return mean_task_accuracy(e, "reasoning", model);
  return std::nullopt;
}

// The range of a field's values: proportions in [0, 1], costs and divergences >= 0.
ValueRange field_range(const std::string& id) {
  if (id == "target_accuracy" || id == "long_context_accuracy" || id == "reasoning_accuracy") return {0, 1};
  if (id == "delta_held_out_ce") return {};
  return {0, std::numeric_limits<double>::infinity()};
}

FieldValue estimate_of(const std::string& id, const SeedValues& values) {
  FieldValue v;
  if (!values.empty()) v.estimate = mean_interval(values, field_range(id));
  return v;
}

}  // namespace

std::vector<TableField> method_table_schema() {
  return {
      {"method", "method", "method and the hyperparameters its spec entry set", FieldKind::kText, 0, 1, true},
      {"runs", "runs", "finished runs (seeds) averaged", FieldKind::kCount, 0, 1, true},
      {"target_accuracy", "target accuracy", "task_accuracy accuracy: exact-match accuracy on the fine-tuning task's held-out items", FieldKind::kEstimate, 3, 1, true},
      {"delta_held_out_ce", "Δ held-out CE", "forgetting Δ held_out_ce: increase of the cross-entropy on held-out pretraining text (nats/token; lower is better)", FieldKind::kEstimate, 3, 1, true},
      {"kl_from_base", "KL from base", "forgetting kl_from_base: mean per-token KL(base ‖ tuned) on held-out pretraining text (lower is better)", FieldKind::kEstimate, 3, 1},
      {"control_retention", "control retention", "forgetting control_retention: control-task accuracy after / before fine-tuning", FieldKind::kEstimate, 3, 1},
      {"long_context_accuracy", "long-context accuracy", "long_context: mean over tasks of accuracy over all lengths and depths", FieldKind::kEstimate, 3, 1},
      {"reasoning_accuracy", "reasoning accuracy", "reasoning: mean over tasks of accuracy", FieldKind::kEstimate, 3, 1},
      {"trainable_params", "trainable params", "parameters the method trains", FieldKind::kCount, 0, 1, true},
      {"wall_seconds", "wall s", "wall-clock seconds per run (training, evaluation, spectra)", FieldKind::kEstimate, 1, 1, true},
      {"peak_memory_mib", "peak memory MiB", "peak resident memory of the run's worker process", FieldKind::kEstimate, 0, 1.0 / (1024 * 1024), true},
  };
}

std::optional<Interval> scaled(const TableField& field, const FieldValue& value) {
  if (!value.estimate) return std::nullopt;
  Interval e = *value.estimate;
  e.value *= field.scale;
  e.stderr_value *= field.scale;
  e.low *= field.scale;
  e.high *= field.scale;
  for (double& v : e.per_seed) v *= field.scale;
  return e;
}

MethodTable method_table(Store& store, const RunFilter& filter) {
  const auto snapshot = store.snapshot();  // one consistent view while a sweep writes
  MethodTable table;
  table.sweep = filter.sweep;
  std::map<std::string, RunEvals> evals;  // by run key
  for (const EvalRow& e : store.evals(filter))
    evals[e.run_key][e.suite + "|" + e.model + "|" + e.metric] = {e.value, e.stderr_value};
  std::vector<std::string> variants;
  std::map<std::string, std::vector<const RunRecord*>> done;
  const auto runs = store.runs(filter);
  for (const RunRecord& r : runs) {
    if (r.status != "done") continue;
    if (!done.count(r.variant)) variants.push_back(r.variant);
    done[r.variant].push_back(&r);
  }
  if (variants.empty()) {
    throw UserError("sweep " + filter.sweep + " has no finished runs yet" +
                    (filter.methods.empty() ? "" : " of the methods asked for") + " (" + std::to_string(runs.size()) +
                    " pending, running or failed); see `tunebench status`");
  }
  const std::vector<TableField> schema = method_table_schema();
  std::vector<std::vector<FieldValue>> rows;
  // The base model: its evaluations as every run recorded them (one per base model).
  {
    std::vector<FieldValue> row;
    for (const TableField& f : schema) {
      if (f.id == "method") {
        row.push_back({kBaseLabel, {}, {}, {}});
        continue;
      }
      SeedValues values;  // one per distinct base evaluation
      std::map<std::string, bool> seen;  // identical base evaluations count once
      for (const auto& [key, e] : evals) {
        const auto v = eval_field(f.id, e, true);
        if (!v) continue;
        const std::string tag = std::to_string(v->value);
        if (seen.emplace(tag, true).second) values[int64_t(values.size())] = *v;
      }
      row.push_back(estimate_of(f.id, values));
    }
    rows.push_back(std::move(row));
  }
  for (const std::string& variant : variants) {
    std::vector<FieldValue> row;
    const auto& variant_runs = done.at(variant);
    for (const TableField& f : schema) {
      FieldValue v;
      SeedValues values;
      if (f.id == "method") {
        v.text = variant;
      } else if (f.id == "runs") {
        v.min = v.max = int64_t(variant_runs.size());
      } else if (f.id == "trainable_params") {
        for (const RunRecord* r : variant_runs) {
          v.min = std::min(v.min.value_or(r->trainable_params), r->trainable_params);
          v.max = std::max(v.max.value_or(r->trainable_params), r->trainable_params);
        }
      } else if (f.id == "wall_seconds" || f.id == "peak_memory_mib") {
        for (const RunRecord* r : variant_runs) {
          if (f.id == "wall_seconds" && r->wall_seconds) values[r->seed] = {*r->wall_seconds, std::nullopt};
          if (f.id == "peak_memory_mib" && r->peak_rss_bytes > 0) values[r->seed] = {double(r->peak_rss_bytes), std::nullopt};
        }
        v = estimate_of(f.id, values);
      } else {
        for (const RunRecord* r : variant_runs) {
          const auto it = evals.find(r->key);
          if (it == evals.end()) continue;
          if (const auto x = eval_field(f.id, it->second, false)) values[r->seed] = *x;
        }
        v = estimate_of(f.id, values);
      }
      row.push_back(std::move(v));
    }
    rows.push_back(std::move(row));
  }
  // Keep the fields some row has a value for.
  std::vector<size_t> kept;
  for (size_t f = 0; f < schema.size(); ++f) {
    if (std::any_of(rows.begin(), rows.end(), [&](const auto& r) { return !r[f].empty(); })) {
      kept.push_back(f);
      table.fields.push_back(schema[f]);
    }
  }
  for (const auto& row : rows) {
    std::vector<FieldValue> values;
    for (size_t f : kept) values.push_back(row[f]);
    table.rows.push_back(std::move(values));
  }
  return table;
}

std::optional<size_t> field_index(const MethodTable& t, const std::string& id) {
  for (size_t f = 0; f < t.fields.size(); ++f) {
    if (t.fields[f].id == id) return f;
  }
  return std::nullopt;
}

}  // namespace tb
