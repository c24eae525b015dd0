#include "harness/exec/continual_run.h"

#include <torch/torch.h>

#include <chrono>
#include <iostream>

#include "harness/common/files.h"
#include "harness/data/rng.h"
#include "harness/exec/interrupt.h"
#include "harness/exec/method_preparation.h"
#include "harness/exec/metric_log.h"
#include "harness/exec/run_device.h"
#include "harness/exec/run_dir.h"
#include "harness/exec/run_evaluation.h"
#include "harness/model/model_io.h"
#include "harness/spec/stages.h"
#include "harness/train/checkpoint.h"
#include "harness/train/sft_batches.h"
#include "methods/registry.h"

namespace tb {
namespace {

uint64_t stage_seed(uint64_t seed, size_t stage) {
  return stage == 0 ? seed : seed ^ (uint64_t(stage) * 0x9e3779b97f4a7c15ULL);
}

// The method a stage checkpoint of a restarting run is saved and loaded with: the model is
// plain then (the stage's training folded in), and the next stage makes its method afresh.
class NoMethodState : public Method {
 public:
  std::vector<torch::Tensor> prepare(LlamaForCausalLM&, const MethodContext&) override { return {}; }
};

struct Stage {
  nlohmann::json config;  // the run's config as this stage trains (harness/spec/stages.h)
  TaskData data;
};

class ContinualRun {
 public:
  ContinualRun(const std::filesystem::path& dir, const nlohmann::json& job);
  bool run();

 private:
  size_t resume();
  void prepare_stage(size_t s);
  bool train_stage(size_t s);
  void end_stage(size_t s);
  void finish();
  std::function<Batch(int64_t)> stage_batches(size_t s) const;
  nlohmann::json saved_state() const;
  void restore_state(const nlohmann::json& saved);
  std::string stage_key(size_t s) const { return run_key_ + "/stage-" + std::to_string(s); }
  bool continues() const { return between_stages_ == "continue"; }
  bool stacks() const;

  std::filesystem::path dir_;
  const nlohmann::json& job_;
  const nlohmann::json& config_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  uint64_t seed_;
  std::string run_key_, between_stages_;
  torch::Device device_;
  LlamaForCausalLM base_, tuned_;
  ModelText text_;
  std::vector<Stage> stages_;
  std::unique_ptr<Method> method_;
  std::vector<torch::Tensor> params_;
  TrainingOptions options_;
  MetricLog log_;
  RunResult result_;
  nlohmann::json details_ = nlohmann::json::array();  // the method's details after each stage
  int64_t step_offset_ = 0, tokens_ = 0, optimizer_state_bytes_ = 0;
  double train_seconds_ = 0;
};

ContinualRun::ContinualRun(const std::filesystem::path& dir, const nlohmann::json& job)
    : dir_(dir),
      job_(job),
      config_(job.at("config")),
      seed_(config_.at("seed").get<uint64_t>()),
      run_key_(job.at("run_key").get<std::string>()),
      between_stages_(TrainingOptions::from_json(config_.at("training")).between_stages),
      device_(run_device_of(job)),
      base_(load_base_model_of(job)),
      tuned_(load_base_model_of(job)),
      text_(config_.at("base_model")),
      log_(run_files::metrics(dir)) {
  result_.run_key = run_key_;
  for (size_t s = 0; s < config_.at("stages").size(); ++s) {
    nlohmann::json c = stage_config(config_, s);
    TaskData data = task_data_of(c, text_);
    stages_.push_back({std::move(c), std::move(data)});
  }
}

bool ContinualRun::stacks() const {
  const auto& method = config_.at("method");
  return find_method(method.at("name").get<std::string>())->make(method)->stacks_stages();
}

bool ContinualRun::run() {
  const StopGuard stop_guard;  // SIGTERM / SIGINT: checkpoint at the next step and stop
  for (size_t s = resume(); s < stages_.size(); ++s) {
    prepare_stage(s);
    if (!train_stage(s)) return false;
    end_stage(s);
  }
  finish();
  return true;
}

// Rebuilds the model as the latest stage checkpoint left it; returns the stage to train next.
size_t ContinualRun::resume() {
  size_t done = stages_.size();
  for (size_t s = 0; s + 1 < stages_.size(); ++s) {
    if (std::filesystem::exists(run_files::stage_checkpoint(dir_, s))) done = s;
  }
  if (done == stages_.size()) return 0;
  // The structure the checkpoint was saved with: the first stage's method (continue), every
  // stage's adapters so far (stacking), or the plain model (restart).
  const size_t rebuilt = continues() ? 1 : stacks() ? done + 1 : 0;
  for (size_t s = 0; s < rebuilt; ++s) prepare_stage(s);
  NoMethodState no_state;
  Method& holder = rebuilt > 0 ? *method_ : no_state;
  torch::optim::AdamW no_optimizer(std::vector<torch::Tensor>{torch::zeros({1})});
  const auto restored =
      load_checkpoint(run_files::stage_checkpoint(dir_, done), stage_key(done), *tuned_, no_optimizer, holder);
  if (!restored) return 0;
  restore_state(restored->extra);
  std::cout << "resumed after stage " << done + 1 << " of " << stages_.size() << std::endl;
  return done + 1;
}

void ContinualRun::prepare_stage(size_t s) {
  torch::manual_seed(stage_seed(seed_, s));
  const Stage& stage = stages_[s];
  if (s > 0 && continues()) {
    options_ = TrainingOptions::from_json(stage.config.at("training"));
  } else {
    tuned_->to(device_);
    base_->to(device_);
    PreparedMethod prepared = prepare_method(stage.config, tuned_, stage.data, text_.tokenizer(), base_);
    method_ = std::move(prepared.method);
    params_ = std::move(prepared.params);
    options_ = prepared.options;
    place_for_training(tuned_, base_, options_, device_);
  }
  std::cout << "stage " << s + 1 << " of " << stages_.size() << " (" << stage.config.at("task").at("name").get<std::string>()
            << "): " << element_count(params_) << " trainable parameters, " << options_.steps << " steps" << std::endl;
}

// Each step's rows from the stage's training items, or with probability `replay` from the
// earlier stages' (pooled), drawn from a stream of the step's own.
std::function<Batch(int64_t)> ContinualRun::stage_batches(size_t s) const {
  const int64_t max_tokens = tuned_->config.max_position_embeddings - tuned_->config.num_virtual_tokens;
  return [this, s, max_tokens](int64_t step) {
    Rng rng(seed_ ^ 0xba7c4e5ULL ^ (uint64_t(s + 1) * 0x9e3779b97f4a7c15ULL) ^ (uint64_t(step + 1) * 0xc2b2ae3d27d4eb4fULL));
    std::vector<const std::vector<TaskItem>*> earlier;
    for (size_t t = 0; t < s; ++t) earlier.push_back(&stages_[t].data.train);
    const std::vector<TaskItem> rows = replay_rows(stages_[s].data.train, earlier, options_.batch_size, options_.replay, rng);
    std::vector<size_t> all(rows.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    return make_sft_batch(rows, all, text_.tokenizer(), max_tokens);
  };
}

bool ContinualRun::train_stage(size_t s) {
  TrainHooks hooks;
  hooks.checkpoint_every = job_.value("checkpoint_every", int64_t(0));
  hooks.stop_requested = stop_requested;
  hooks.checkpoint = [&](const TrainProgress& progress, torch::optim::Optimizer& optimizer) {
    save_checkpoint(run_files::checkpoint(dir_), stage_key(s), *tuned_, optimizer, *method_, progress, saved_state());
  };
  hooks.resume = [&](torch::optim::Optimizer& optimizer) {
    const auto restored = load_checkpoint(run_files::checkpoint(dir_), stage_key(s), *tuned_, optimizer, *method_);
    if (!restored) return TrainProgress{};
    restore_state(restored->extra);
    std::cout << "resumed from the checkpoint at step " << restored->progress.step << " of stage " << s + 1 << std::endl;
    return restored->progress;
  };
  const int64_t offset = step_offset_;
  const TrainSummary summary = train(
      tuned_, params_, options_, stage_batches(s), method_.get(),
      [&](int64_t step, const std::string& name, double v) {
        log_.add(offset + step, name, v);
        if (name == "train_loss") std::cout << "step " << offset + step << " loss " << v << std::endl;
      },
      hooks);
  if (summary.stopped) {
    std::cout << "stopped by a signal after step " << offset + summary.steps << "; checkpoint written" << std::endl;
    return false;
  }
  step_offset_ += summary.steps;
  tokens_ += summary.tokens;
  train_seconds_ += summary.seconds;
  optimizer_state_bytes_ = std::max(optimizer_state_bytes_, summary.optimizer_state_bytes);
  return true;
}

void ContinualRun::end_stage(size_t s) {
  log_.add(step_offset_, "stage_end", double(s + 1));
  std::vector<const TaskData*> tasks;
  for (const Stage& stage : stages_) tasks.push_back(&stage.data);
  const auto evaluation_start = std::chrono::steady_clock::now();
  evaluate_stage(job_, base_, tuned_, tasks, text_, int64_t(s), result_);
  log_.add(step_offset_, "stage_evaluation_seconds",
           std::chrono::duration<double>(std::chrono::steady_clock::now() - evaluation_start).count());
  details_.push_back(method_->details());
  if (s + 1 == stages_.size()) return;
  const bool restarts = !continues() && !method_->stacks_stages();
  if (restarts && options_.dtype != "fp32") restore_full_precision(tuned_);
  if (restarts) method_->merge(tuned_);
  NoMethodState no_state;
  torch::optim::AdamW no_optimizer(std::vector<torch::Tensor>{torch::zeros({1})});
  save_checkpoint(run_files::stage_checkpoint(dir_, s), stage_key(s), *tuned_, no_optimizer,
                  restarts ? no_state : *method_, TrainProgress{}, saved_state());
  std::filesystem::remove(run_files::checkpoint(dir_));  // of this stage: superseded
  if (s > 0) std::filesystem::remove(run_files::stage_checkpoint(dir_, s - 1));
}

void ContinualRun::finish() {
  if (options_.dtype != "fp32") restore_full_precision(tuned_);
  method_->merge(tuned_);
  write_file_atomically(run_files::method_details(dir_), nlohmann::json{{"stages", details_}}.dump(2));
  save_model(tuned_, run_files::model(dir_));
  log_.add(step_offset_, "train_tokens_per_second", double(tokens_) / std::max(train_seconds_, 1e-9));
  result_.trainable_params = element_count(params_);
  result_.optimizer_state_bytes = optimizer_state_bytes_;
  result_.train_seconds = train_seconds_;
  std::cout << "trained " << stages_.size() << " stages in " << train_seconds_ << " s; evaluating" << std::endl;
  evaluate_and_write_result(dir_, job_, base_, tuned_, stages_.back().data, text_, log_, step_offset_, start_, result_);
  std::cout << "result written after " << result_.wall_seconds << " s" << std::endl;
  std::filesystem::remove(run_files::checkpoint(dir_));  // the result is final
  for (size_t s = 0; s < stages_.size(); ++s) std::filesystem::remove(run_files::stage_checkpoint(dir_, s));
}

// What a checkpoint carries besides the model: the log, the stage evaluations so far, and
// the totals of the stages before.
nlohmann::json ContinualRun::saved_state() const {
  return {{"metrics", log_.to_json()},      {"result", result_.to_json()},
          {"details", details_},            {"step_offset", step_offset_},
          {"tokens", tokens_},              {"train_seconds", train_seconds_},
          {"optimizer_state_bytes", optimizer_state_bytes_}};
}

void ContinualRun::restore_state(const nlohmann::json& saved) {
  log_.restore(saved.at("metrics"));
  const RunResult earlier = RunResult::from_json(saved.at("result"));
  result_.stage_evals = earlier.stage_evals;
  result_.stage_items = earlier.stage_items;
  details_ = saved.at("details");
  step_offset_ = saved.at("step_offset").get<int64_t>();
  tokens_ = saved.at("tokens").get<int64_t>();
  train_seconds_ = saved.at("train_seconds").get<double>();
  optimizer_state_bytes_ = saved.at("optimizer_state_bytes").get<int64_t>();
}

}  // namespace

bool run_continual(const std::filesystem::path& dir, const nlohmann::json& job) {
  torch::manual_seed(job.at("config").at("seed").get<uint64_t>());
  return ContinualRun(dir, job).run();
}

}  // namespace tb
