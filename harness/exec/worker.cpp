#include "harness/exec/worker.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>

#include "evaluators/evaluator.h"
#include "evaluators/registry.h"
#include "harness/analysis/spectral.h"
#include "harness/common/files.h"
#include "harness/data/rng.h"
#include "harness/exec/environment.h"
#include "harness/exec/interrupt.h"
#include "harness/exec/run_dir.h"
#include "harness/model/model_io.h"
#include "harness/train/checkpoint.h"
#include "harness/train/pretrain.h"
#include "harness/train/sft_batches.h"
#include "methods/method.h"
#include "methods/registry.h"

namespace tb {
namespace {

std::vector<std::pair<std::string, torch::Tensor>> named_weights(const LlamaForCausalLM& model) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : model->named_parameters()) out.emplace_back(p.key(), p.value());
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

int64_t count(const std::vector<torch::Tensor>& params) {
  int64_t n = 0;
  for (const auto& p : params) n += p.numel();
  return n;
}

// Appends metrics to metrics.jsonl (flushed per line, so `status` can follow a run) and
// keeps them for result.json.
class MetricLog {
 public:
  explicit MetricLog(const std::filesystem::path& path) : path_(path), out_(path, std::ios::app) {}
  void add(int64_t step, const std::string& name, double value) {
    out_ << nlohmann::json{{"step", step}, {"name", name}, {"value", value}}.dump() << "\n";
    out_.flush();
    points.push_back({name, step, value});
  }
  nlohmann::json to_json() const {
    auto out = nlohmann::json::array();
    for (const auto& p : points) out.push_back({p.step, p.name, p.value});
    return out;
  }
  // Starts the log again from what a checkpoint saved.
  void restore(const nlohmann::json& saved) {
    out_.close();
    out_.open(path_, std::ios::trunc);
    points.clear();
    for (const auto& p : saved) add(p.at(0).get<int64_t>(), p.at(1).get<std::string>(), p.at(2).get<double>());
  }
  std::vector<MetricPoint> points;

 private:
  std::filesystem::path path_;
  std::ofstream out_;
};

void run_pretrain(const std::filesystem::path& dir, const nlohmann::json& job) {
  MetricLog log(run_files::metrics(dir));
  auto model = pretrain_base_model(
      job.at("base_model"), [&](int64_t step, const std::string& name, double v) {
        log.add(step, name, v);
        if (name == "train_loss")
          std::cout << "pretrain step " << step << " loss " << v << std::endl;
      });
  save_model(model, job.at("output").get<std::string>());
}

// Returns false when a signal stopped training (after a checkpoint), true when done.
bool run_finetune(const std::filesystem::path& dir, const nlohmann::json& job) {
  const auto start = std::chrono::steady_clock::now();
  const nlohmann::json& config = job.at("config");
  const int64_t seed = config.at("seed").get<int64_t>();
  const auto model_path =
      base_model_path(job.at("models_dir").get<std::string>(), config.at("base_model"));
  torch::manual_seed(uint64_t(seed));

  LlamaForCausalLM base = load_model(model_path);
  LlamaForCausalLM tuned = load_model(model_path);
  const int64_t total_params = count(base->parameters());

  // Task items are the same for every run of a task (so evaluations pair across runs);
  // the run's seed only orders the training batches and initialises the method.
  const auto& task_section = config.at("task");
  const auto task = make_task(task_section);
  const TaskData data =
      make_task_data(*task, task_section.at("train_items").get<int64_t>(),
                     task_section.at("eval_items").get<int64_t>(), fnv1a(task_section.dump()));

  const auto& method_section = config.at("method");
  const MethodInfo* info = find_method(method_section.at("name").get<std::string>());
  if (info == nullptr) throw std::runtime_error("unknown method " + method_section.dump());
  auto method = info->make(method_section);
  const TrainingOptions options = TrainingOptions::from_json(config.at("training"));
  // Training batches, and a separate stream for methods that initialise from data.
  auto batches_of = [&](std::shared_ptr<Rng> rng) {
    return [&data, &options, rng](int64_t) {
      std::vector<size_t> idx;
      for (int64_t i = 0; i < options.batch_size; ++i) idx.push_back(rng->below(data.train.size()));
      return make_sft_batch(data.train, idx);
    };
  };
  const MethodContext context{options.steps, batches_of(std::make_shared<Rng>(uint64_t(seed) ^ 0x1a17ULL))};
  const auto params = method->prepare(tuned, context);
  const int64_t trainable = count(params);
  if (trainable == 0) throw std::runtime_error("the method selected no trainable parameters");

  MetricLog log(run_files::metrics(dir));
  const auto batch_rng = std::make_shared<Rng>(uint64_t(seed) ^ 0xba7c4e5ULL);
  const std::string run_key = job.at("run_key").get<std::string>();
  const StopGuard stop_guard;  // SIGTERM / SIGINT: checkpoint at the next step and stop
  TrainHooks hooks;
  hooks.checkpoint_every = job.value("checkpoint_every", int64_t(0));
  hooks.stop_requested = stop_requested;
  hooks.checkpoint = [&](const TrainProgress& progress, torch::optim::Optimizer& optimizer) {
    save_checkpoint(run_files::checkpoint(dir), run_key, *tuned, optimizer, *method, progress,
                    {{"metrics", log.to_json()}});
  };
  hooks.resume = [&](torch::optim::Optimizer& optimizer) {
    const auto restored = load_checkpoint(run_files::checkpoint(dir), run_key, *tuned, optimizer, *method);
    if (!restored) return TrainProgress{};
    // The batch stream continues where it was: replay the draws of the steps done.
    for (int64_t i = 0; i < restored->progress.step * options.batch_size; ++i) batch_rng->below(data.train.size());
    log.restore(restored->extra.at("metrics"));
    std::cout << "resumed from the checkpoint at step " << restored->progress.step << std::endl;
    return restored->progress;
  };
  const TrainSummary summary =
      train(tuned, params, options, batches_of(batch_rng), method.get(),
            [&](int64_t step, const std::string& name, double v) { log.add(step, name, v); }, hooks);
  if (summary.stopped) {
    std::cout << "stopped by a signal after step " << summary.steps << "; checkpoint written" << std::endl;
    return false;
  }
  log.add(summary.steps, "train_tokens_per_second", double(summary.tokens) / summary.seconds);
  write_file_atomically(run_files::method_details(dir), method->details().dump(2));
  method->merge(tuned);
  save_model(tuned, run_files::model(dir));

  RunResult result;
  result.run_key = job.at("run_key").get<std::string>();
  const PretrainOptions pretraining =
      PretrainOptions::from_json(config.at("base_model").at("pretraining"));
  EvalContext ctx{base, tuned, &data, &pretraining, uint64_t(seed)};
  for (const auto& [suite, suite_options] : config.at("evaluation").items()) {
    auto evaluator = find_evaluator(suite)->make(suite_options);
    EvalOutput out = evaluator->evaluate(ctx);
    result.evals.insert(result.evals.end(), out.aggregates.begin(), out.aggregates.end());
    result.items.insert(result.items.end(), out.items.begin(), out.items.end());
  }
  for (const auto& e : result.evals) {
    if (!std::isfinite(e.value)) {
      throw std::runtime_error("non-finite evaluation value: " + e.suite + " " + e.model + " " +
                               e.metric + " (the tuned weights diverged)");
    }
  }
  const auto spectral = config.value("spectral", nlohmann::json{{"enabled", false}});
  if (spectral.at("enabled").get<bool>()) {
    const auto spectral_start = std::chrono::steady_clock::now();
    result.spectra = spectra_of(base, tuned, spectral);
    log.add(
        summary.steps, "spectral_seconds",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - spectral_start).count());
  }
  result.trainable_params = trainable;
  result.total_params = total_params;
  result.optimizer_state_bytes = summary.optimizer_state_bytes;
  result.train_seconds = summary.seconds;
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.environment = current_environment(job.at("threads").get<int64_t>());
  result.metrics = log.points;
  write_file_atomically(
      run_files::result(dir),
      result.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  std::filesystem::remove(run_files::checkpoint(dir));  // the result is final
  return true;
}

}  // namespace

int run_worker(const std::filesystem::path& dir) {
  nlohmann::json job;
  try {
    job = nlohmann::json::parse(read_file(run_files::job(dir)));
    const int64_t threads = job.at("threads").get<int64_t>();
    torch::set_num_threads(int(threads));
    const std::string kind = job.at("kind").get<std::string>();
    if (kind == "pretrain") {
      run_pretrain(dir, job);
      return 0;
    }
    return run_finetune(dir, job) ? 0 : kInterruptedExitCode;
  } catch (const std::exception& e) {
    std::cerr << "run failed: " << e.what() << std::endl;
    try {
      write_file_atomically(run_files::failure(dir), nlohmann::json{{"reason", e.what()}}.dump());
    } catch (...) {
    }
    return kRunFailedExitCode;
  }
}

}  // namespace tb
