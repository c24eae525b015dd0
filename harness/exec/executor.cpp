#include "harness/exec/executor.h"

#include <signal.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "harness/common/file_lock.h"
#include "harness/common/files.h"
#include "harness/exec/child_process.h"
#include "harness/exec/deferred_writes.h"
#include "harness/exec/interrupt.h"
#include "harness/exec/pool.h"
#include "harness/exec/process_identity.h"
#include "harness/exec/progress.h"
#include "harness/exec/run_dir.h"
#include "harness/exec/worker.h"
#include "harness/store/store.h"
#include "harness/train/base_model_source.h"
#include "harness/train/pretrain.h"
#include "methods/registry.h"

namespace tb {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Workers get exactly `threads` threads from every pool (LibTorch, OpenMP, OpenBLAS),
// so that several workers never oversubscribe the cores. OpenMP's threads sleep rather
// than spin between parallel regions: spinning, they took the cores from OpenBLAS's own
// threads and two threads trained at half the speed of one.
std::map<std::string, std::string> worker_env(int64_t threads) {
  const std::string n = std::to_string(threads);
  return {{"OMP_NUM_THREADS", n}, {"OPENBLAS_NUM_THREADS", n}, {"MKL_NUM_THREADS", n},
          {"OMP_WAIT_POLICY", "PASSIVE"}};
}

std::string log_tail(const fs::path& dir) {
  const std::string tail = file_tail(run_files::log(dir), 400);
  return tail.empty() ? "" : "; log ends: " + tail;
}

// The failure reason of a worker that ended without a result: its own words if it wrote
// them, else how it ended and the tail of its log.
std::string failure_reason(const fs::path& dir, const ChildExit& exit) {
  if (fs::exists(run_files::failure(dir))) {
    try {
      return nlohmann::json::parse(read_file(run_files::failure(dir))).at("reason").get<std::string>();
    } catch (...) {
    }
  }
  return "worker " + exit.describe() + log_tail(dir);
}

std::string attempt_reason(const fs::path& dir, const Attempt& a, const nlohmann::json& execution) {
  const auto mib = [](int64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; };
  if (a.outcome == "timeout")
    return "timed out: killed after " + format_duration(a.seconds) + " (limit " +
           format_duration(execution.at("timeout_seconds").get<double>()) + ")" + log_tail(dir);
  if (a.outcome == "oom")
    return "out of memory: killed at " + mib(a.peak_resident_bytes) + " resident (limit " +
           std::to_string(execution.at("memory_limit_mb").get<int64_t>()) + " MiB)" + log_tail(dir);
  if (a.outcome == "interrupted")
    return std::string("interrupted (Ctrl-C or SIGTERM) while running; ") +
           (fs::exists(run_files::checkpoint(dir)) ? "the next run continues from its checkpoint"
                                                    : "the next run starts it again");
  if (a.outcome == "crashed" && a.exit.exit_code == 0) return "worker exited without writing result.json" + log_tail(dir);
  return failure_reason(dir, a.exit);
}

// The latest logged training step and loss of a running run.
struct Followed {
  int64_t step = 0;
  std::optional<double> loss;
};
void follow_metrics(const fs::path& dir, Followed& f) {
  const auto j = nlohmann::json::parse(last_line(run_files::metrics(dir)), nullptr, false);
  if (j.is_object() && j.value("name", "") == "train_loss") {
    f.step = j.value("step", int64_t(0));
    f.loss = j.value("value", 0.0);
  }
}

// The result a worker left in <dir>/result.json, or nullopt with `why` not.
std::optional<RunResult> read_result(const fs::path& dir, const std::string& key, std::string& why) {
  if (!fs::exists(run_files::result(dir))) {
    why = "no result.json";
    return std::nullopt;
  }
  try {
    RunResult r = RunResult::from_json(nlohmann::json::parse(read_file(run_files::result(dir))));
    if (r.run_key == key) return r;
    why = "result.json belongs to run " + r.run_key;
  } catch (const std::exception& e) {
    why = std::string("unreadable result.json: ") + e.what();
  }
  return std::nullopt;
}

// What the worker of a run reported before its coordinator vanished ("" if nothing).
std::string worker_report(const fs::path& dir) {
  if (!fs::exists(run_files::failure(dir))) return "";
  try {
    return "the worker failed: " +
           nlohmann::json::parse(read_file(run_files::failure(dir))).at("reason").get<std::string>();
  } catch (...) {
    return "";
  }
}

// Pretrains every base model the pending runs need and is not cached yet, one after the
// other with `threads` threads. Returns the failure reason per base-model key.
std::map<std::string, std::string> ensure_base_models(const std::vector<const RunConfig*>& pending,
                                                      const ExecutorOptions& o, int64_t threads, Progress& progress) {
  std::map<std::string, std::string> failures;
  std::set<std::string> seen;
  for (const RunConfig* run : pending) {
    const auto& base = run->config.at("base_model");
    const std::string key = base_model_key(base);
    if (!seen.insert(key).second) continue;
    const fs::path model = base_model_path(o.out_dir / "models", base);
    if (is_checkpoint_base(base)) {  // nothing to pretrain; the folder holds its evaluation cache
      fs::create_directories(model.parent_path());
      continue;
    }
    if (fs::exists(model)) {
      progress.message("using cached base model " + key + " (" + model.parent_path().string() + ")");
      continue;
    }
    try {
      const fs::path dir = model.parent_path();
      fs::create_directories(dir);
      // Another coordinator on the same folder may be pretraining it: wait, then use it.
      bool said = false;
      const FileLock lock(dir / "pretrain.lock", [&] {
        if (!said) progress.message("waiting for another coordinator that is pretraining base model " + key);
        said = true;
        return interrupt_level() < 2;
      });
      if (lock.locked() && fs::exists(model)) continue;
      if (!lock.locked() || interrupt_requested()) {
        failures[key] = "interrupted before its base model was pretrained";
        continue;
      }
      remove_temporary_files(dir);  // of a pretraining killed mid-write
      for (const fs::path& stale : {run_files::failure(dir), run_files::metrics(dir)}) fs::remove(stale);
      write_file_atomically(run_files::job(dir), nlohmann::json{{"kind", "pretrain"}, {"base_model", base},
                                                                {"threads", threads}, {"output", model.string()}}.dump(2));
      progress.message("pretraining base model " + key + " (cached in " + dir.string() + ")");
      const auto started = Clock::now();
      const int64_t steps = base.at("pretraining").at("steps").get<int64_t>();
      ChildProcess child(o.worker_exe, {"worker", dir.string()}, run_files::log(dir), worker_env(threads));
      std::optional<ChildExit> exit;
      while (!(exit = child.poll())) {
        if (interrupt_level() >= 2) child.signal_group(SIGKILL);
        Followed f;
        follow_metrics(dir, f);
        const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
        progress.show({{"pretrain " + key, f.step, steps, f.loss, elapsed}});
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
      }
      progress.show({});
      const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
      if (exit->signal != 0 || exit->exit_code != 0 || !fs::exists(model)) {
        failures[key] = "base model pretraining failed: " + failure_reason(dir, *exit);
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

std::string label_of(const RunConfig& run) { return run.variant + " seed=" + std::to_string(run.seed); }

// Pretraining runs alone: it gets the threads of all the workers, at most one per core and
// never fewer than a worker has.
int64_t pretraining_threads(int64_t threads, int64_t workers) {
  const int64_t cores = std::max<int64_t>(1, int64_t(std::thread::hardware_concurrency()));
  return std::max(threads, std::min(threads * workers, cores));
}

}  // namespace

int64_t resolve_workers(int64_t requested, int64_t threads) {
  if (requested > 0) return requested;
  const int64_t cores = std::max<int64_t>(1, int64_t(std::thread::hardware_concurrency()));
  return std::max<int64_t>(1, cores / std::max<int64_t>(1, threads));
}

SweepOutcome run_sweep(const Spec& spec, const std::vector<RunConfig>& runs, const ExecutorOptions& o) {
  require_store(o.out_dir / "tunebench.sqlite", StoreUse::kWrite);  // before any folder is made
  fs::create_directories(o.out_dir / "runs");
  fs::create_directories(o.out_dir / "models");
  Store store(o.out_dir / "tunebench.sqlite");
  const nlohmann::json& execution = spec.execution;
  const std::string owner = this_process_identity();
  const double stale_after = execution.at("stale_after_seconds").get<double>();

  SweepOutcome outcome;
  outcome.workers = resolve_workers(o.workers > 0 ? o.workers : execution.at("workers").get<int64_t>(), spec.threads);
  // Runs a vanished coordinator left "running" (kill -9, reboot) become pending again.
  const auto released = store.release_stale_runs(
      [&](const std::string& other, double heartbeat_age) {
        return other.empty() || process_is_gone(other) || heartbeat_age > stale_after;
      },
      [&](const std::string& key) { return worker_report(o.out_dir / "runs" / key); });
  outcome.stale = int64_t(released.size());

  const int64_t sweep_id = store.create_sweep(spec.name, spec.file, spec.document.dump());
  std::vector<const RunConfig*> pending;
  std::map<std::string, const RunConfig*> by_key;
  for (const RunConfig& run : runs) {
    if (by_key.count(run.key)) continue;  // the same cell listed twice runs once
    by_key[run.key] = &run;
    store.add_run(sweep_id, run.key, run.method, run.variant, run.seed, run.config.dump(), run.parents);
    const std::string status = store.run_status(run.key);
    if (status == "done") {
      ++outcome.skipped;
    } else if (status == "running") {
      ++outcome.running_elsewhere;
    } else {
      pending.push_back(&run);
    }
  }
  Progress progress(int64_t(pending.size()), outcome.workers);
  if (outcome.stale > 0)
    progress.message(std::to_string(outcome.stale) + " run(s) left running by a coordinator that is gone: marked stale, run again");
  if (outcome.skipped > 0) progress.message(std::to_string(outcome.skipped) + " run(s) already done, skipped");
  if (outcome.running_elsewhere > 0)
    progress.message(std::to_string(outcome.running_elsewhere) + " run(s) running under another coordinator, left to it");
  if (pending.empty()) return outcome;

  const InterruptGuard interrupt_guard;
  const auto base_failures = ensure_base_models(pending, o, pretraining_threads(spec.threads, outcome.workers), progress);
  std::vector<PoolTask> tasks;
  std::set<std::string> pending_keys;
  for (const RunConfig* run : pending) pending_keys.insert(run->key);
  for (const RunConfig* run : pending) {
    const fs::path dir = o.out_dir / "runs" / run->key;
    tasks.push_back({run->key, o.worker_exe, {"worker", dir.string()}, run_files::log(dir), worker_env(spec.threads)});
    // A post-hoc run starts once the parents this invocation runs have ended.
    for (const std::string& parent : run->parents) {
      if (pending_keys.count(parent)) tasks.back().after.push_back(parent);
    }
  }
  auto dir_of = [&](const PoolTask& t) { return o.out_dir / "runs" / t.id; };
  auto steps_of = [&](const PoolTask& t) {
    const auto& config = by_key.at(t.id)->config;
    return config.contains("training") ? config.at("training").at("steps").get<int64_t>() : int64_t(0);
  };
  std::map<std::string, Clock::time_point> started;
  std::map<std::string, Followed> followed;
  // The store or the file system failing must not stop the sweep: say so and go on.
  auto guarded = [&](const std::string& what, const std::function<void()>& f) {
    try {
      f();
    } catch (const std::exception& e) {
      progress.message("could not " + what + ": " + e.what());
    }
  };
  // Store writes that fail (a full disk) are tried again at every heartbeat and at the end.
  DeferredWrites deferred;
  auto record = [&](const std::string& what, const std::string& key, std::function<void()> write) {
    if (const auto error = deferred.attempt(key, std::move(write)))
      progress.message("could not " + what + " yet (" + *error + "); trying again");
  };
  auto fail_without_attempt = [&](const RunConfig& run, const std::string& reason, const std::string& kind) {
    ++outcome.failed;
    record("record the failure of " + run.key, run.key,
           [&store, key = run.key, reason, kind] { store.record_failure(key, reason, 0, kind); });
    progress.finished(label_of(run), "failed: " + reason, 0, false);
  };
  auto parent_label = [&](const std::string& key) {
    const auto it = by_key.find(key);
    return it == by_key.end() ? "run " + key : label_of(*it->second) + " (run " + key + ")";
  };

  PoolOptions pool;
  pool.workers = outcome.workers;
  pool.timeout_seconds = execution.at("timeout_seconds").get<double>();
  pool.memory_limit_bytes = execution.at("memory_limit_mb").get<int64_t>() << 20;
  pool.max_attempts = execution.at("max_attempts").get<int64_t>();
  pool.heartbeat_seconds = 1;
  PoolHooks hooks;
  hooks.claim = [&](const PoolTask& task, int) {
    const RunConfig& run = *by_key.at(task.id);
    const fs::path dir = dir_of(task);
    try {
      fs::create_directories(dir);
      std::string why_not;
      if (const auto result = read_result(dir, run.key, why_not)) {  // finished before a crash of its coordinator
        store.record_success(*result);
        ++outcome.done;
        ++outcome.recovered;
        progress.finished(label_of(run), "done (recovered from its run folder)", 0, false);
        return false;
      }
      const auto base_failure = base_failures.find(base_model_key(run.config.at("base_model")));
      if (base_failure != base_failures.end()) {
        fail_without_attempt(run, base_failure->second, "failed");
        return false;
      }
      // A post-hoc run needs every parent done (the pool starts it after those it runs).
      nlohmann::json parents = nlohmann::json::array();
      for (const std::string& parent : run.parents) {
        const std::string status = store.run_status(parent);
        if (status == "running") {
          ++outcome.running_elsewhere;
          progress.finished(label_of(run), "not started: its parent " + parent_label(parent) +
                                               " runs under another coordinator; run again later",
                            0, false);
          return false;
        }
        if (status != "done") {
          fail_without_attempt(run, "parent " + parent_label(parent) + " is " + status, "parent_failed");
          return false;
        }
        parents.push_back({{"key", parent}, {"dir", (o.out_dir / "runs" / parent).string()}});
      }
      if (!store.claim_run(run.key, owner, steps_of(task))) {
        ++outcome.running_elsewhere;
        progress.finished(label_of(run), "claimed by another coordinator", 0, false);
        return false;
      }
      // The worker restores its metric log from the checkpoint, if any.
      for (const fs::path& stale : {run_files::failure(dir), run_files::metrics(dir), run_files::model(dir)})
        fs::remove(stale);
      remove_temporary_files(dir);  // of a worker killed mid-write

      write_file_atomically(run_files::job(dir),
                            nlohmann::json{{"kind", find_method(run.method)->posthoc() ? "posthoc" : "finetune"},
                                           {"run_key", run.key},
                                           {"parents", parents},
                                           {"config", run.config},
                                           {"threads", spec.threads},
                                           {"checkpoint_every", execution.at("checkpoint_every")},
                                           {"models_dir", (o.out_dir / "models").string()}}
                                .dump(2));
      return true;
    } catch (const std::exception& e) {
      fail_without_attempt(run, std::string("could not start the run: ") + e.what(), "failed");
      return false;
    }
  };
  hooks.blocked = [&](const PoolTask& task, const std::string& parent) {
    const RunConfig& run = *by_key.at(task.id);
    if (store.run_status(parent) == "pending") {  // stopped, not failed: it resumes, and so does this run
      ++outcome.not_started;
      progress.finished(label_of(run), "not started: its parent " + parent_label(parent) + " was stopped", 0, false);
      return;
    }
    fail_without_attempt(run, "not run: its parent " + parent_label(parent) + " failed", "parent_failed");
  };
  hooks.started = [&](const PoolTask& task, int64_t pid) {
    started[task.id] = Clock::now();
    followed[task.id] = {};
    guarded("record the worker of " + task.id, [&] { store.set_worker_pid(task.id, pid, spec.threads); });
  };
  hooks.judge = [&](const PoolTask& task, const Attempt& a) -> std::string {
    remove_temporary_files(dir_of(task));  // the worker is gone: what it was writing is lost
    // A result the worker managed to write counts, whatever happened to the process after.
    std::string why_not;
    const auto result = read_result(dir_of(task), task.id, why_not);
    if (!result) return a.outcome == "done" ? "crashed" : a.outcome;
    record("record the result of " + task.id + " (it is safe in its run folder)", task.id,
           [&store, r = *result] { store.record_success(r); });
    return "done";
  };
  hooks.ended = [&](const PoolTask& task, const Attempt& a, bool retry) {
    const RunConfig& run = *by_key.at(task.id);
    followed.erase(task.id);
    if (a.outcome == "done") {
      ++outcome.done;
      progress.finished(label_of(run), "done", a.seconds, true);
      return;
    }
    const std::string reason = attempt_reason(dir_of(task), a, execution);
    const bool final = !retry && a.outcome != "interrupted";
    record("record the end of " + run.key, run.key,
           [&store, key = run.key, end = AttemptEnd{a.outcome, reason, a.seconds, a.peak_resident_bytes, final}] {
             store.end_attempt(key, end);
           });
    if (retry) {
      progress.message(label_of(run) + ": attempt " + std::to_string(a.number) + " " + a.outcome + " (" + reason +
                       "); trying again");
    } else if (a.outcome == "interrupted") {
      ++outcome.stopped;
      progress.finished(label_of(run), reason, a.seconds, false);
    } else {
      ++outcome.failed;
      progress.finished(label_of(run), "failed (" + a.outcome + "): " + reason, a.seconds, false);
    }
  };
  auto views = [&](const std::vector<const PoolTask*>& running) {
    std::vector<RunningView> out;
    for (const PoolTask* t : running) {
      Followed& f = followed[t->id];
      follow_metrics(dir_of(*t), f);
      out.push_back({label_of(*by_key.at(t->id)), f.step, steps_of(*t), f.loss,
                     std::chrono::duration<double>(Clock::now() - started[t->id]).count()});
    }
    return out;
  };
  auto last_display = Clock::now();
  hooks.tick = [&](const std::vector<const PoolTask*>& running) {
    if (Clock::now() - last_display < std::chrono::milliseconds(250)) return;
    last_display = Clock::now();
    progress.show(views(running));
  };
  hooks.heartbeat = [&](const std::vector<const PoolTask*>& running) {
    std::vector<RunProgress> beats;
    for (const PoolTask* t : running) beats.push_back({t->id, followed[t->id].step, followed[t->id].loss});
    guarded("write the heartbeat", [&] { store.heartbeat(owner, beats); });
    deferred.retry();
  };

  const PoolSummary summary = run_pool(tasks, pool, hooks);
  deferred.retry();
  for (const std::string& key : deferred.pending()) {
    progress.message("could not record the end of run " + key +
                     " in the store; the next `tunebench run` of this spec records what its run folder holds");
  }
  outcome.not_started = summary.not_started;
  outcome.interrupted = summary.interrupted;
  outcome.pool_seconds = summary.wall_seconds;
  outcome.busy_seconds = summary.busy_seconds;
  if (outcome.interrupted) {
    progress.message("interrupted: " + std::to_string(outcome.not_started) + " run(s) not started, " +
                     std::to_string(outcome.stopped) + " stopped; run the same command to resume");
  }
  return outcome;
}

}  // namespace tb
