// What a finished run hands to the store: the contents of <run dir>/result.json. The
// worker writes it atomically; the coordinator ingests it in one transaction. Because it
// is a plain file, a run executed on another host can be ingested later.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tb {

inline constexpr int kRunResultFormat = 1;

struct Environment {
  std::string git_commit, torch_version, device;
  int64_t threads = 1;
};

struct MetricPoint {
  std::string name;
  int64_t step;
  double value;
};

// One aggregate of a suite for one model ("base" or "tuned") or their paired "delta".
struct EvalAggregate {
  std::string suite, model, metric;
  double value = 0;
  std::optional<double> stderr_value, ci_low, ci_high;
  int64_t n = 0;
};

struct EvalItem {
  std::string suite, model, item_id;
  double score = 0;
  std::optional<double> logprob;
  nlohmann::json meta = nlohmann::json::object();
};

// Continual runs: an aggregate or item of an evaluation taken after training stage `stage`
// (0-based) on the held-out items of stage `task`'s task (R[stage][task]), or with `task`
// -1 for a suite not tied to a stage's task (forgetting of the base model's abilities).
struct StageEval {
  int64_t stage = 0, task = -1;
  EvalAggregate aggregate;
};
struct StageItem {
  int64_t stage = 0, task = -1;
  EvalItem item;
};

// Evaluation during training (harness/exec/evaluation_during_training.h): an aggregate or
// item of an evaluation taken after `step` training steps.
struct StepEval {
  int64_t step = 0;
  EvalAggregate aggregate;
};
struct StepItem {
  int64_t step = 0;
  EvalItem item;
};

// One spectral metric of one changed weight matrix (harness/analysis/spectral.h).
struct SpectrumValue {
  std::string matrix, metric;
  double value = 0;
};

struct RunResult {
  std::string run_key;
  int64_t trainable_params = 0, total_params = 0, optimizer_state_bytes = 0;
  int64_t peak_rss_bytes = 0;  // the worker's peak resident memory (0: not measured)
  double wall_seconds = 0, train_seconds = 0;
  Environment environment;
  std::vector<MetricPoint> metrics;
  std::vector<EvalAggregate> evals;
  std::vector<EvalItem> items;
  std::vector<SpectrumValue> spectra;
  std::vector<StageEval> stage_evals;  // continual runs only
  std::vector<StageItem> stage_items;
  std::vector<StepEval> step_evals;  // runs evaluated during training only
  std::vector<StepItem> step_items;

  nlohmann::json to_json() const;
  static RunResult from_json(const nlohmann::json& j);  // throws on a malformed result
};

// The JSON forms result.json uses for one aggregate and one item.
nlohmann::json eval_aggregate_json(const EvalAggregate& e);
EvalAggregate eval_aggregate_from_json(const nlohmann::json& j);
nlohmann::json eval_item_json(const EvalItem& i);
EvalItem eval_item_from_json(const nlohmann::json& j);

}  // namespace tb
