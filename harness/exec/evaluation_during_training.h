// Evaluation during training: at the steps of the run config's "evaluation_during"
// schedule (harness/spec/evaluation_section.h) the model as it trains — adapters unmerged,
// which computes what the merged model computes — is scored with the schedule's suites
// against the base model. Each evaluation is written to the run folder when taken
// (run_files::step_evaluation), so an attempt that resumes keeps those taken and does not
// repeat them; the result gathers them all. Evaluating leaves training as it was: the
// model's train/eval mode and the global generator are restored, and evaluators only read
// the weights, so the final weights are those of a run without evaluation during training.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "evaluators/base_cache.h"
#include "harness/data/task.h"
#include "harness/exec/metric_log.h"
#include "harness/model/llama.h"
#include "harness/store/run_result.h"
#include "harness/text/model_text.h"

namespace tb {

class EvaluationDuringTraining {
 public:
  EvaluationDuringTraining(std::filesystem::path dir, const nlohmann::json& job, LlamaForCausalLM base,
                           LlamaForCausalLM tuned, const TaskData& data, const ModelText& text);

  bool enabled() const { return !schedule_.empty(); }
  // The trainer's after_step hook: evaluates after `steps_done` steps when the schedule has
  // that step and the run folder holds no evaluation of it yet. The last step is left to
  // the final evaluation when the suites are the run's own.
  void after_step(int64_t steps_done);
  // Adds every evaluation taken (this attempt's and earlier ones') to `result`, the last
  // step's from the final evaluation already in `result` when the suites are the same, and
  // each evaluation's seconds to `log` as evaluation_during_training_seconds at its step.
  void add_to(RunResult& result, MetricLog& log, int64_t last_step) const;
  // Once the result holds them: removes the run folder's evaluation files.
  void remove_files() const;

 private:
  std::filesystem::path dir_;
  const nlohmann::json& job_;
  LlamaForCausalLM base_, tuned_;
  const TaskData& data_;
  const ModelText& text_;
  std::set<int64_t> schedule_;
  nlohmann::json suites_;
  bool same_suites_as_final_ = false;
  std::optional<BaseCache> base_cache_;  // when enabled
};

}  // namespace tb
