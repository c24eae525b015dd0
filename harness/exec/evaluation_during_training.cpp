#include "harness/exec/evaluation_during_training.h"

#include <chrono>
#include <iostream>
#include <stdexcept>

#include "harness/common/files.h"
#include "harness/exec/run_dir.h"
#include "harness/exec/run_evaluation.h"
#include "harness/model/generator_state.h"

namespace tb {
namespace {

// The evaluation of `step` stored by this or an earlier attempt of the run; null when none.
nlohmann::json stored_evaluation(const std::filesystem::path& file, const std::string& run_key) {
  if (!std::filesystem::exists(file)) return nullptr;
  nlohmann::json j = nlohmann::json::parse(read_file(file), nullptr, false);
  if (j.is_discarded() || j.value("run_key", "") != run_key) return nullptr;
  return j;
}

}  // namespace

EvaluationDuringTraining::EvaluationDuringTraining(std::filesystem::path dir, const nlohmann::json& job,
                                                   LlamaForCausalLM base, LlamaForCausalLM tuned,
                                                   const TaskData& data, const ModelText& text)
    : dir_(std::move(dir)), job_(job), base_(std::move(base)), tuned_(std::move(tuned)), data_(data), text_(text) {
  const nlohmann::json& config = job.at("config");
  if (!config.contains("evaluation_during")) return;
  const nlohmann::json& during = config.at("evaluation_during");
  for (const auto& step : during.at("steps")) schedule_.insert(step.get<int64_t>());
  suites_ = during.at("suites");
  same_suites_as_final_ = suites_ == config.at("evaluation");
  base_cache_.emplace(base_cache_of(job, base_));
}

void EvaluationDuringTraining::after_step(int64_t steps_done) {
  if (schedule_.count(steps_done) == 0) return;
  const int64_t last_step = job_.at("config").at("training").at("steps").get<int64_t>();
  if (steps_done == last_step && same_suites_as_final_) return;  // the final evaluation is this one
  const std::string run_key = job_.at("run_key").get<std::string>();
  const auto file = run_files::step_evaluation(dir_, steps_done);
  if (!stored_evaluation(file, run_key).is_null()) {
    std::cout << "evaluation after step " << steps_done << " kept from an earlier attempt" << std::endl;
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  const bool was_training = tuned_->is_training();
  EvalOutput out;
  {
    const GeneratorStateGuard keep_generator;
    out = evaluate_suites(job_, base_, tuned_, data_, text_, suites_, *base_cache_);
  }
  tuned_->train(was_training);
  nlohmann::json stored = {{"run_key", run_key}, {"step", steps_done}, {"evals", nlohmann::json::array()},
                           {"items", nlohmann::json::array()}};
  for (const auto& e : out.aggregates) stored["evals"].push_back(eval_aggregate_json(e));
  for (const auto& i : out.items) stored["items"].push_back(eval_item_json(i));
  stored["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_file_atomically(file, stored.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  std::cout << "evaluated after step " << steps_done << " in " << stored.at("seconds").get<double>() << " s"
            << std::endl;
}

void EvaluationDuringTraining::remove_files() const {
  for (const int64_t step : schedule_) std::filesystem::remove(run_files::step_evaluation(dir_, step));
}

void EvaluationDuringTraining::add_to(RunResult& result, MetricLog& log, int64_t last_step) const {
  const std::string run_key = job_.at("run_key").get<std::string>();
  for (const int64_t step : schedule_) {
    if (step == last_step && same_suites_as_final_) {
      for (const auto& e : result.evals) result.step_evals.push_back({step, e});
      for (const auto& i : result.items) result.step_items.push_back({step, i});
      continue;
    }
    const nlohmann::json stored = stored_evaluation(run_files::step_evaluation(dir_, step), run_key);
    if (stored.is_null()) throw std::runtime_error("the evaluation after step " + std::to_string(step) + " is missing");
    for (const auto& e : stored.at("evals")) result.step_evals.push_back({step, eval_aggregate_from_json(e)});
    for (const auto& i : stored.at("items")) result.step_items.push_back({step, eval_item_from_json(i)});
    log.add(step, "evaluation_during_training_seconds", stored.at("seconds").get<double>());
  }
}

}  // namespace tb
