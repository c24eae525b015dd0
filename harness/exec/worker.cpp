#include "harness/exec/worker.h"

#include <torch/torch.h>

#include <chrono>
#include <iostream>

#include "harness/common/files.h"
#include "harness/data/rng.h"
#include "harness/exec/continual_run.h"
#include "harness/exec/evaluation_during_training.h"
#include "harness/exec/heartbeat_file.h"
#include "harness/exec/interrupt.h"
#include "harness/exec/method_preparation.h"
#include "harness/exec/metric_log.h"
#include "harness/exec/posthoc_run.h"
#include "harness/exec/run_device.h"
#include "harness/exec/run_evaluation.h"
#include "harness/exec/run_dir.h"
#include "harness/model/model_io.h"
#include "harness/spec/stages.h"
#include "harness/train/checkpoint.h"
#include "harness/train/context_extension.h"
#include "harness/train/masked_thought.h"
#include "harness/train/pretrain.h"
#include "harness/train/item_encoding.h"
#include "harness/train/sft_batches.h"
#include "methods/method.h"
#include "methods/registry.h"

namespace tb {
namespace {

int64_t count_truncated(const std::vector<TaskItem>& items, const Tokenizer& tok, int64_t max_tokens) {
  int64_t n = 0;
  for (const TaskItem& item : items) n += item_truncated(tok, item, max_tokens);
  return n;
}

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
  torch::manual_seed(uint64_t(seed));

  LlamaForCausalLM base = load_base_model_of(job);
  LlamaForCausalLM tuned = load_base_model_of(job);
  extend_context(tuned, config);  // the run's RoPE scaling, before the method sees the model
  // The run's seed only orders the training batches and initialises the method.
  const ModelText text(config.at("base_model"));
  const Tokenizer& tok = text.tokenizer();
  const TaskData data = task_data_of(config, text);
  const torch::Device device = run_device_of(job);
  tuned->to(device);  // methods that initialise from the weights or from data do so on the device
  base->to(device);
  const PreparedMethod prepared = prepare_method(config, tuned, data, tok, base);
  // Positions left for text once the method has prepared the model (prompt tuning's take some).
  const int64_t max_tokens = tuned->config.max_position_embeddings - tuned->config.num_virtual_tokens;
  const int64_t truncated = count_truncated(data.train, tok, max_tokens);
  Method* method = prepared.method.get();
  const std::vector<torch::Tensor>& params = prepared.params;
  const TrainingOptions& options = prepared.options;
  place_for_training(tuned, base, options, device);
  const int64_t trainable = element_count(params);
  std::cout << config.at("method").at("name").get<std::string>() << ": " << trainable
            << " trainable parameters, " << options.steps << " steps" << std::endl;

  MetricLog log(run_files::metrics(dir));
  if (truncated > 0) {
    std::cout << truncated << " of " << data.train.size() << " training items are longer than the context ("
              << max_tokens << " tokens) and are cut at its end" << std::endl;
  }
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
  EvaluationDuringTraining during(dir, job, base, tuned, data, text);
  if (during.enabled()) hooks.after_step = [&](int64_t steps_done) { during.after_step(steps_done); };
  // PoSE skips the batches' positions and Masked Thought corrupts their response inputs, each
  // from a stream of its own per step (so a resumed run does exactly as an uninterrupted one).
  auto training_batches = [&, plain = training_batches_from(data, options.batch_size, batch_rng, tok, max_tokens)](
                              int64_t step) {
    Batch batch = with_pose_positions(plain(step), options, uint64_t(seed), step);
    if (options.masked_thought_rate <= 0) return batch;
    Rng mask_rng(uint64_t(seed) ^ 0x3a5c7ULL ^ (uint64_t(step) * 0x9e3779b97f4a7c15ULL));
    return mask_response_inputs(batch, masked_thought_rate_at(options, step),
                                options.masked_thought_replace == "random", mask_rng, tok);
  };
  const TrainSummary summary =
      train(tuned, params, options, training_batches, method,
            [&](int64_t step, const std::string& name, double v) {
              log.add(step, name, v);
              if (name == "train_loss") std::cout << "step " << step << " loss " << v << std::endl;
            },
            hooks);
  if (summary.stopped) {
    std::cout << "stopped by a signal after step " << summary.steps << "; checkpoint written" << std::endl;
    return false;
  }
  log.add(summary.steps, "train_tokens_per_second", double(summary.tokens) / summary.seconds);
  log.add(summary.steps, "truncated_train_items", double(truncated));
  write_file_atomically(run_files::method_details(dir), method->details().dump(2));
  if (options.dtype != "fp32") restore_full_precision(tuned);
  if (const auto adapter = method->peft_adapter(tuned, base)) {
    std::filesystem::remove_all(run_files::peft_adapter(dir));  // of an attempt killed after writing it
    save_peft_adapter(*adapter, run_files::peft_adapter(dir));
  }
  method->merge(tuned);
  save_model(tuned, run_files::model(dir));

  RunResult result;
  result.trainable_params = trainable;
  result.optimizer_state_bytes = summary.optimizer_state_bytes;
  result.train_seconds = summary.seconds;
  std::cout << "trained in " << summary.seconds << " s; evaluating" << std::endl;
  evaluate_and_write_result(dir, job, base, tuned, data, text, log, summary.steps, start, result,
                            [&](RunResult& r, MetricLog& l) { during.add_to(r, l, summary.steps); });
  std::cout << "result written after " << result.wall_seconds << " s" << std::endl;
  std::filesystem::remove(run_files::checkpoint(dir));  // the result is final
  during.remove_files();
  return true;
}

}  // namespace

int run_worker(const std::filesystem::path& dir) {
  nlohmann::json job;
  try {
    const HeartbeatFile heartbeat(dir);  // while this worker lives
    job = nlohmann::json::parse(read_file(run_files::job(dir)));
    const int64_t threads = job.at("threads").get<int64_t>();
    torch::set_num_threads(int(threads));
    const std::string kind = job.at("kind").get<std::string>();
    if (kind == "pretrain") {
      run_pretrain(dir, job);
      return 0;
    }
    if (kind == "posthoc") {
      run_posthoc(dir, job);
      return 0;
    }
    if (is_continual(job.at("config"))) return run_continual(dir, job) ? 0 : kInterruptedExitCode;
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
