#include "harness/exec/executor.h"

#include <chrono>
#include <map>
#include <set>

#include "harness/common/files.h"
#include "harness/exec/child_process.h"
#include "harness/exec/interrupt.h"
#include "harness/exec/progress.h"
#include "harness/exec/run_dir.h"
#include "harness/exec/worker.h"
#include "harness/store/store.h"
#include "harness/train/pretrain.h"

namespace tb {
namespace {

namespace fs = std::filesystem;

// Workers get exactly `threads` threads from every pool (LibTorch, OpenMP, OpenBLAS),
// so that several workers never oversubscribe the cores.
std::map<std::string, std::string> worker_env(int64_t threads) {
  const std::string n = std::to_string(threads);
  return {{"OMP_NUM_THREADS", n}, {"OPENBLAS_NUM_THREADS", n}, {"MKL_NUM_THREADS", n}};
}

// The failure reason of a finished worker: its own words if it wrote them, else how it
// ended and the tail of its log.
std::string failure_reason(const fs::path& dir, const ChildExit& exit) {
  if (fs::exists(run_files::failure(dir))) {
    try {
      return nlohmann::json::parse(read_file(run_files::failure(dir))).at("reason").get<std::string>();
    } catch (...) {
    }
  }
  std::string tail = file_tail(run_files::log(dir), 400);
  return "worker " + exit.describe() + (tail.empty() ? "" : "; log ends: " + tail);
}

// Shows the running worker's latest logged loss.
void follow_metrics(const fs::path& dir, Progress& progress) {
  const auto j = nlohmann::json::parse(last_line(run_files::metrics(dir)), nullptr, false);
  if (j.is_object() && j.value("name", "") == "train_loss") progress.update(j.value("step", 0), j.value("value", 0.0));
}

// Ingests <dir>/result.json into the store. Returns "" on success, else why not.
std::string ingest_result(Store& store, const fs::path& dir, const std::string& key) {
  if (!fs::exists(run_files::result(dir))) return "no result.json";
  try {
    RunResult r = RunResult::from_json(nlohmann::json::parse(read_file(run_files::result(dir))));
    if (r.run_key != key) return "result.json belongs to run " + r.run_key;
    store.record_success(r);
    return "";
  } catch (const std::exception& e) {
    return std::string("unreadable result.json: ") + e.what();
  }
}

// Pretrains every base model the pending runs need and is not cached yet. Returns the
// failure reason per base-model key (empty map: all available).
std::map<std::string, std::string> ensure_base_models(const std::vector<const RunConfig*>& pending,
                                                      const ExecutorOptions& o, int64_t threads, Progress& progress) {
  std::map<std::string, std::string> failures;
  std::set<std::string> seen;
  for (const RunConfig* run : pending) {
    const auto& base = run->config.at("base_model");
    const std::string key = base_model_key(base);
    if (!seen.insert(key).second) continue;
    const fs::path model = base_model_path(o.out_dir / "models", base);
    if (fs::exists(model)) continue;
    try {
      const fs::path dir = model.parent_path();
      fs::create_directories(dir);
      for (const fs::path& stale : {run_files::failure(dir), run_files::metrics(dir)}) fs::remove(stale);
      write_file_atomically(run_files::job(dir), nlohmann::json{{"kind", "pretrain"}, {"base_model", base},
                                                                {"threads", threads}, {"output", model.string()}}.dump(2));
      progress.message("pretraining base model " + key + " (cached in " + dir.string() + ")");
      const auto started = std::chrono::steady_clock::now();
      const int64_t steps = base.at("pretraining").at("steps").get<int64_t>();
      progress.start_run("pretrain " + key, steps);
      const ChildExit exit = run_child(o.worker_exe, {"worker", dir.string()}, run_files::log(dir), worker_env(threads),
                                       nullptr, [&] { follow_metrics(dir, progress); });
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      if (exit.signal != 0 || exit.exit_code != 0 || !fs::exists(model)) {
        failures[key] = "base model pretraining failed: " + failure_reason(dir, exit);
        progress.message(failures[key]);
      } else {
        progress.message("base model " + key + " pretrained in " + format_duration(seconds));
      }
    } catch (const std::exception& e) {
      failures[key] = std::string("base model pretraining failed: ") + e.what();
      progress.message(failures[key]);
    }
  }
  return failures;
}

// Runs one run in a worker process and ingests its result. Returns "" when the run is
// done and stored, else the failure reason. A result the worker managed to write counts,
// whatever happened to the process afterwards.
std::string execute_run(const RunConfig& run, const fs::path& dir, const ExecutorOptions& o, int64_t threads,
                        Store& store, Progress& progress) {
  for (const fs::path& stale : {run_files::failure(dir), run_files::metrics(dir), run_files::model(dir)}) {
    fs::remove(stale);
  }
  write_file_atomically(run_files::job(dir), nlohmann::json{{"kind", "finetune"}, {"run_key", run.key},
                                                            {"config", run.config}, {"threads", threads},
                                                            {"models_dir", (o.out_dir / "models").string()}}.dump(2));
  const ChildExit exit = run_child(
      o.worker_exe, {"worker", dir.string()}, run_files::log(dir), worker_env(threads),
      [&](int64_t pid) { store.mark_running(run.key, pid, threads); }, [&] { follow_metrics(dir, progress); });
  const std::string ingest_error = ingest_result(store, dir, run.key);
  if (ingest_error.empty()) return "";
  if (interrupt_requested()) return "interrupted (Ctrl-C or SIGTERM) while running; " + failure_reason(dir, exit);
  if (exit.signal == 0 && exit.exit_code == 0) return "worker finished but " + ingest_error;
  return failure_reason(dir, exit);
}

}  // namespace

SweepOutcome run_sweep(const Spec& spec, const std::vector<RunConfig>& runs, const ExecutorOptions& o) {
  fs::create_directories(o.out_dir / "runs");
  fs::create_directories(o.out_dir / "models");
  Store store(o.out_dir / "tunebench.sqlite");
  const int64_t sweep_id = store.create_sweep(spec.name, spec.file, spec.document.dump());

  SweepOutcome outcome;
  std::vector<const RunConfig*> pending;
  std::set<std::string> keys;
  for (const RunConfig& run : runs) {
    if (!keys.insert(run.key).second) continue;  // the same cell listed twice runs once
    store.add_run(sweep_id, run.key, run.method, run.variant, run.seed, run.config.dump());
    if (store.run_status(run.key) == "done") {
      ++outcome.skipped;
    } else {
      pending.push_back(&run);
    }
  }
  Progress progress(int64_t(pending.size()));
  if (outcome.skipped > 0) progress.message(std::to_string(outcome.skipped) + " run(s) already done, skipped");
  if (pending.empty()) return outcome;

  const InterruptGuard interrupt_guard;
  const auto base_failures = ensure_base_models(pending, o, spec.threads, progress);
  for (size_t i = 0; i < pending.size(); ++i) {
    const RunConfig* run = pending[i];
    if (interrupt_requested()) {
      outcome.interrupted = true;
      outcome.not_started = int64_t(pending.size() - i);
      progress.message("interrupted: " + std::to_string(outcome.not_started) +
                       " run(s) not started; run the same command to resume");
      break;
    }
    const fs::path dir = o.out_dir / "runs" / run->key;
    progress.start_run(run->variant + " seed=" + std::to_string(run->seed),
                       run->config.at("training").at("steps").get<int64_t>());
    const auto started = std::chrono::steady_clock::now();
    auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
    std::string failure;
    bool recovered = false;
    try {
      fs::create_directories(dir);
      const auto base_failure = base_failures.find(base_model_key(run->config.at("base_model")));
      if (ingest_result(store, dir, run->key).empty()) {  // finished before a crash of the coordinator
        recovered = true;
      } else if (base_failure != base_failures.end()) {
        failure = base_failure->second;
      } else {
        failure = execute_run(*run, dir, o, spec.threads, store, progress);
      }
    } catch (const std::exception& e) {  // the store or the file system failed us: record and go on
      failure = std::string("could not execute the run: ") + e.what();
    }
    if (failure.empty()) {
      ++outcome.done;
      outcome.recovered += recovered;
      progress.finish_run(recovered ? "done (recovered from its run folder)" : "done", seconds());
      continue;
    }
    ++outcome.failed;
    try {
      store.record_failure(run->key, failure, seconds());
    } catch (const std::exception& e) {
      progress.message("could not record the failure of " + run->key + ": " + e.what());
    }
    progress.finish_run("failed: " + failure, seconds());
  }
  return outcome;
}

}  // namespace tb
