// What a worker does once a run's weights exist, for trained and post-hoc runs alike:
// evaluate base vs tuned with the run's suites, analyse the spectra of the changed
// matrices, and write result.json atomically.
#pragma once
#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "evaluators/base_cache.h"
#include "evaluators/evaluator.h"
#include "harness/data/task.h"
#include "harness/exec/metric_log.h"
#include "harness/model/llama.h"
#include "harness/store/run_result.h"
#include "harness/text/model_text.h"

namespace tb {

// The run's task items (the same for every run of a task, so evaluations pair across
// runs), plus `validation_items` validation items. `text` renders conversations.
TaskData task_data_of(const nlohmann::json& config, const ModelText& text, int64_t validation_items = 0);

// The base model of a job (cached by the coordinator).
std::filesystem::path base_model_of(const nlohmann::json& job);
// A fresh copy of the job's base model (train/base_model_source.h).
LlamaForCausalLM load_base_model_of(const nlohmann::json& job);

// The cache of the base model's results beside the job's base model (evaluators/base_cache.h).
BaseCache base_cache_of(const nlohmann::json& job, const LlamaForCausalLM& base);

// Every suite of `suites` ({suite: options}) on `tuned` against `base` (the base model's
// side read from, or written to, `base_cache`). A non-finite value is an error (the weights
// diverged).
EvalOutput evaluate_suites(const nlohmann::json& job, LlamaForCausalLM& base, LlamaForCausalLM& tuned,
                           const TaskData& data, const ModelText& text, const nlohmann::json& suites,
                           const BaseCache& base_cache);

// Fills `result`'s evaluations (the base model's side read from, or written to, the cache
// beside the base model: evaluators/base_cache.h), spectra, environment, metrics and wall time
// (from `started`), then writes it; `step` labels the metrics logged here. `add_more`, when
// given, adds to the result and log after the final evaluation (evaluations during training).
void evaluate_and_write_result(const std::filesystem::path& dir, const nlohmann::json& job,
                               LlamaForCausalLM& base, LlamaForCausalLM& tuned, const TaskData& data,
                               const ModelText& text, MetricLog& log, int64_t step, std::chrono::steady_clock::time_point started,
                               RunResult& result,
                               const std::function<void(RunResult&, MetricLog&)>& add_more = nullptr);

// A continual run's evaluation after stage `stage` (harness/exec/continual_run.h):
// task_accuracy on the held-out items of every stage's task (`tasks`, in stage order: the
// row R[stage][·]) and, when configured, the forgetting suite (task -1), both against the
// base model, appended to `result`'s stage evaluations.
void evaluate_stage(const nlohmann::json& job, LlamaForCausalLM& base, LlamaForCausalLM& tuned,
                    const std::vector<const TaskData*>& tasks, const ModelText& text, int64_t stage,
                    RunResult& result);

}  // namespace tb
