#include "harness/exec/run_evaluation.h"

#include <cmath>

#include "evaluators/base_cache.h"
#include "evaluators/evaluator.h"
#include "evaluators/registry.h"
#include "harness/analysis/spectral.h"
#include "harness/common/files.h"
#include "harness/common/peak_memory.h"
#include "harness/exec/gpu_facts.h"
#include "harness/data/rng.h"
#include "harness/exec/environment.h"
#include "harness/exec/run_dir.h"
#include "harness/model/model_io.h"
#include "harness/train/base_model_source.h"
#include "harness/train/pretrain.h"

namespace tb {
namespace {

std::vector<std::pair<std::string, torch::Tensor>> named_weights(const LlamaForCausalLM& model) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  // On the CPU in fp32 (no copy when they are there already): the spectra are computed there.
  for (const auto& p : model->named_parameters()) out.emplace_back(p.key(), p.value().detach().to(torch::kCPU, torch::kFloat32));
  return out;
}

// Spectral metrics of every weight matrix the run changed (merged adapters included).
std::vector<SpectrumValue> spectra_of(const LlamaForCausalLM& base, const LlamaForCausalLM& tuned,
                                      const nlohmann::json& options) {
  SpectralOptions o;
  o.intruder_k = options.at("intruder_k").get<int64_t>();
  o.intruder_epsilon = options.at("intruder_epsilon").get<double>();
  std::vector<SpectrumValue> out;
  for (const auto& m : analyze_changed_matrices(named_weights(base), named_weights(tuned), o)) {
    for (const auto& [metric, value] : m.metrics) out.push_back({m.matrix, metric, value});
  }
  return out;
}

}  // namespace

TaskData task_data_of(const nlohmann::json& config, const ModelText& text, int64_t validation_items) {
  const auto& task_section = config.at("task");
  const auto task = make_task(task_section, text);
  return task->data(task_section.at("train_items").get<int64_t>(), task_section.at("eval_items").get<int64_t>(),
                    fnv1a(task_section.dump()), validation_items);
}

std::filesystem::path base_model_of(const nlohmann::json& job) {
  return base_model_path(job.at("models_dir").get<std::string>(), job.at("config").at("base_model"));
}

LlamaForCausalLM load_base_model_of(const nlohmann::json& job) {
  return load_base_model(job.at("models_dir").get<std::string>(), job.at("config").at("base_model"));
}

BaseCache base_cache_of(const nlohmann::json& job, const LlamaForCausalLM& base) {
  return base_cache_beside(base_model_of(job), base, base_model_identity(job.at("config").at("base_model")));
}

EvalOutput evaluate_suites(const nlohmann::json& job, LlamaForCausalLM& base, LlamaForCausalLM& tuned,
                           const TaskData& data, const ModelText& text, const nlohmann::json& suites,
                           const BaseCache& base_cache) {
  const nlohmann::json& config = job.at("config");
  const PretrainOptions pretraining = base_model_mixture(config.at("base_model"));
  EvalContext ctx{base, tuned, &data, &pretraining, config.at("seed").get<uint64_t>(), &base_cache, &text};
  EvalOutput all;
  for (const auto& [suite, suite_options] : suites.items()) {
    EvalOutput out = find_evaluator(suite)->make(suite_options)->evaluate(ctx);
    all.aggregates.insert(all.aggregates.end(), out.aggregates.begin(), out.aggregates.end());
    all.items.insert(all.items.end(), out.items.begin(), out.items.end());
  }
  for (const auto& e : all.aggregates) {  // SQLite would store NaN as NULL
    if (!std::isfinite(e.value)) {
      throw std::runtime_error("non-finite evaluation value: " + e.suite + " " + e.model + " " + e.metric +
                               " (the tuned weights diverged)");
    }
  }
  return all;
}

void evaluate_and_write_result(const std::filesystem::path& dir, const nlohmann::json& job,
                               LlamaForCausalLM& base, LlamaForCausalLM& tuned, const TaskData& data,
                               const ModelText& text, MetricLog& log, int64_t step, std::chrono::steady_clock::time_point started,
                               RunResult& result, const std::function<void(RunResult&, MetricLog&)>& add_more) {
  const nlohmann::json& config = job.at("config");
  result.run_key = job.at("run_key").get<std::string>();
  const auto evaluation_start = std::chrono::steady_clock::now();
  EvalOutput out = evaluate_suites(job, base, tuned, data, text, config.at("evaluation"), base_cache_of(job, base));
  result.evals = std::move(out.aggregates);
  result.items = std::move(out.items);
  log.add(step, "evaluation_seconds",
          std::chrono::duration<double>(std::chrono::steady_clock::now() - evaluation_start).count());
  if (add_more) add_more(result, log);
  const auto spectral = config.value("spectral", nlohmann::json{{"enabled", false}});
  if (spectral.at("enabled").get<bool>()) {
    const auto spectral_start = std::chrono::steady_clock::now();
    result.spectra = spectra_of(base, tuned, spectral);
    log.add(step, "spectral_seconds",
            std::chrono::duration<double>(std::chrono::steady_clock::now() - spectral_start).count());
  }
  result.total_params = 0;
  for (const auto& p : base->parameters()) result.total_params += p.numel();
  result.peak_rss_bytes = peak_resident_bytes();
  if (const int64_t gpu_bytes = peak_gpu_memory_bytes(tuned->device()); gpu_bytes > 0)
    log.add(step, "peak_gpu_memory_bytes", double(gpu_bytes));
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.environment = current_environment(job.at("threads").get<int64_t>(), tuned->device());
  result.metrics = log.points;
  write_file_atomically(run_files::result(dir),
                        result.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void evaluate_stage(const nlohmann::json& job, LlamaForCausalLM& base, LlamaForCausalLM& tuned,
                    const std::vector<const TaskData*>& tasks, const ModelText& text, int64_t stage,
                    RunResult& result) {
  const nlohmann::json& config = job.at("config");
  const nlohmann::json& evaluation = config.at("evaluation");
  const BaseCache base_cache = base_cache_of(job, base);
  auto run_suite = [&](const std::string& suite, const TaskData* data, int64_t task) {
    EvalOutput out = evaluate_suites(job, base, tuned, *data, text, {{suite, evaluation.at(suite)}}, base_cache);
    for (auto& a : out.aggregates) result.stage_evals.push_back({stage, task, std::move(a)});
    for (auto& i : out.items) result.stage_items.push_back({stage, task, std::move(i)});
  };
  for (size_t j = 0; j < tasks.size(); ++j) run_suite("task_accuracy", tasks[j], int64_t(j));
  if (evaluation.contains("forgetting")) run_suite("forgetting", tasks[size_t(stage)], -1);
}

}  // namespace tb
