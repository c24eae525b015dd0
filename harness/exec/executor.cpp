#include "harness/exec/executor.h"

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "harness/common/files.h"
#include "harness/exec/attempt_reason.h"
#include "harness/exec/base_model_pretraining.h"
#include "harness/exec/deferred_writes.h"
#include "harness/exec/interrupt.h"
#include "harness/exec/launcher_choice.h"
#include "harness/exec/pool.h"
#include "harness/exec/process_identity.h"
#include "harness/exec/progress.h"
#include "harness/exec/run_dir.h"
#include "harness/exec/visible_gpus.h"
#include "harness/spec/execution_section.h"
#include "harness/spec/stages.h"
#include "harness/store/store.h"
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

std::string label_of(const RunConfig& run) { return run.variant + " seed=" + std::to_string(run.seed); }

// Pretraining runs alone: it gets the threads of all the workers, at most one per core and
// never fewer than a worker has, on either backend (a Slurm job asks for that many CPUs),
// so that both pretrain the same base model (it depends on the thread count).
int64_t pretraining_threads(int64_t threads, int64_t workers) {
  const int64_t cores = std::max<int64_t>(1, int64_t(std::thread::hardware_concurrency()));
  return std::max(threads, std::min(threads * workers, cores));
}

// One `run` of a sweep, step by step: register its runs, take over or release what a
// vanished coordinator left running, build the pool's tasks (pretraining first), run the
// pool with the hooks below, and summarise.
class Sweep {
 public:
  Sweep(const Spec& spec, const std::vector<RunConfig>& runs, const ExecutorOptions& o)
      : spec_(spec), runs_(runs), o_(o), execution_(spec.execution), store_(o.out_dir / "tunebench.sqlite"),
        owner_(this_process_identity()), launcher_(make_launcher(spec.execution, o.out_dir, spec.name)) {
    outcome_.backend = launcher_->backend();
    outcome_.workers = resolve_workers(o.workers > 0 ? o.workers : execution_.at("workers").get<int64_t>(), spec.threads);
  }

  SweepOutcome run() {
    register_runs();
    take_over_orphans();
    select_pending();
    progress_ = std::make_unique<Progress>(int64_t(pending_.size() + adopted_.size()), outcome_.workers);
    announce();
    if (pending_.empty() && adopted_.empty()) return outcome_;
    const InterruptGuard interrupt_guard;
    pretraining_ = std::make_unique<BaseModelPretraining>(pending_, o_.out_dir / "models", *progress_);
    build_tasks();
    const PoolSummary summary = run_pool(tasks_, *launcher_, pool_options(), hooks(), adopted_);
    summarise(summary);
    return outcome_;
  }

 private:
  fs::path dir_of(const std::string& key) const { return o_.out_dir / "runs" / key; }
  bool is_run(const PoolTask& t) const { return by_key_.count(t.id) > 0; }
  int64_t steps_of(const std::string& key) const {
    return total_training_steps(by_key_.at(key)->config);
  }
  std::string parent_label(const std::string& key) const {
    const auto it = by_key_.find(key);
    return it == by_key_.end() ? "run " + key : label_of(*it->second) + " (run " + key + ")";
  }

  void register_runs() {
    sweep_id_ = store_.create_sweep(spec_.name, spec_.file, spec_.document.dump());
    for (const RunConfig& run : runs_) {
      if (by_key_.count(run.key)) continue;  // the same cell listed twice runs once
      by_key_[run.key] = &run;
      store_.add_run(sweep_id_, run.key, run.method, run.variant, run.seed, run.config.dump(), run.parents);
    }
  }

  bool coordinator_gone(const std::string& owner, double heartbeat_age) const {
    return owner.empty() || process_is_gone(owner) || heartbeat_age > execution_.at("stale_after_seconds").get<double>();
  }

  // What a coordinator that is gone left running (kill -9, reboot): a Slurm job that lives
  // on, or has ended without its end recorded, is taken over and followed (never submitted
  // again); the rest become pending again ("stale").
  void take_over_orphans() {
    std::set<std::string> alive;
    for (const RunningJob& r : store_.running_jobs()) {
      if (!coordinator_gone(r.owner, r.heartbeat_age) || slurm_job_id(r.job).empty()) continue;
      if (!job_is_known(r)) continue;
      alive.insert(r.key);
      if (launcher_->backend() == "slurm" && by_key_.count(r.key) && store_.adopt_run(r.key, owner_)) {
        adopted_.push_back({r.key, r.job, int(r.attempt)});
      }
    }
    const auto released = store_.release_stale_runs(
        [&](const std::string& key, const std::string& other, double age) {
          return !alive.count(key) && coordinator_gone(other, age);
        },
        [&](const std::string& key) { return worker_report(dir_of(key)); });
    outcome_.stale = int64_t(released.size());
  }

  // Whether Slurm (or the run folder) still knows the job of an orphaned run.
  bool job_is_known(const RunningJob& r) {
    // With --backend local, Slurm is still asked: a live job must not be run a second time.
    std::optional<SlurmLauncher> fallback;
    if (launcher_->backend() != "slurm") fallback.emplace(slurm_options(execution_, o_.out_dir, spec_.name));
    Launcher& asker = fallback ? static_cast<Launcher&>(*fallback) : *launcher_;
    const JobRequest request{r.key, o_.worker_exe, {"worker", dir_of(r.key).string()}, run_files::log(dir_of(r.key)),
                             {}, dir_of(r.key)};
    if (!asker.attach(r.job, request)) return false;
    const auto status = asker.poll({r.job});
    asker.release(r.job);
    return status.count(r.job) && status.at(r.job).scheduler_state != "LOST";
  }

  void select_pending() {
    std::set<std::string> adopted;
    for (const AdoptedJob& a : adopted_) adopted.insert(a.task_id);
    for (const RunConfig& run : runs_) {
      if (by_key_.at(run.key) != &run || adopted.count(run.key)) continue;
      const std::string status = store_.run_status(run.key);
      if (status == "done") {
        ++outcome_.skipped;
      } else if (status == "running") {
        ++outcome_.running_elsewhere;
      } else {
        pending_.push_back(&run);
      }
    }
  }

  void announce() {
    if (outcome_.stale > 0)
      progress_->message(std::to_string(outcome_.stale) +
                         " run(s) left running by a coordinator that is gone: marked stale, run again");
    if (!adopted_.empty())
      progress_->message(std::to_string(adopted_.size()) +
                         " run(s) left by a coordinator that is gone have Slurm jobs still known: following them");
    if (outcome_.skipped > 0) progress_->message(std::to_string(outcome_.skipped) + " run(s) already done, skipped");
    if (outcome_.running_elsewhere > 0)
      progress_->message(std::to_string(outcome_.running_elsewhere) + " run(s) running under another coordinator" +
                         (launcher_->backend() == "local" ? " or in a Slurm job (run with --backend slurm to follow it)" : "") +
                         ", left to it");
  }

  void build_tasks() {
    const int64_t threads = pretraining_threads(spec_.threads, outcome_.workers);
    tasks_ = pretraining_->tasks(o_.worker_exe, threads, worker_env(threads));
    pretraining_threads_ = threads;
    std::set<std::string> in_pool;
    for (const RunConfig* run : pending_) in_pool.insert(run->key);
    for (const AdoptedJob& a : adopted_) in_pool.insert(a.task_id);
    auto add = [&](const RunConfig& run) {
      const fs::path dir = dir_of(run.key);
      PoolTask task{{run.key, o_.worker_exe, {"worker", dir.string()}, run_files::log(dir), worker_env(spec_.threads), dir}};
      if (gives_each_run_gpus(execution_)) task.gpus = execution_.at("gpus_per_run").get<int64_t>();
      if (const std::string pretrain = pretraining_->task_of(run); !pretrain.empty()) task.after.push_back(pretrain);
      // A post-hoc run starts once the parents this invocation runs have ended.
      for (const std::string& parent : run.parents) {
        if (in_pool.count(parent)) task.after.push_back(parent);
      }
      tasks_.push_back(std::move(task));
    };
    for (const AdoptedJob& a : adopted_) {
      add(*by_key_.at(a.task_id));
      started_at_[a.task_id] = Clock::now();
    }
    for (const RunConfig* run : pending_) add(*run);
  }

  PoolOptions pool_options() const {
    PoolOptions pool;
    pool.workers = outcome_.workers;
    pool.timeout_seconds = execution_.at("timeout_seconds").get<double>();
    pool.memory_limit_bytes = execution_.at("memory_limit_mb").get<int64_t>() << 20;
    pool.max_attempts = execution_.at("max_attempts").get<int64_t>();
    pool.heartbeat_seconds = 1;
    if (gives_each_run_gpus(execution_) && launcher_->backend() == "local") pool.gpu_ids = visible_gpus();
    return pool;
  }

  PoolHooks hooks() {
    PoolHooks h;
    h.claim = [this](const PoolTask& t, int attempt) { return claim(t, attempt); };
    h.blocked = [this](const PoolTask& t, const std::string& parent) { blocked(t, parent); };
    h.started = [this](const PoolTask& t, const std::string& handle) { started(t, handle); };
    h.running = [this](const PoolTask& t, const std::string&) { running(t); };
    h.judge = [this](const PoolTask& t, const Attempt& a) { return judge(t, a); };
    h.ended = [this](const PoolTask& t, const Attempt& a, bool retry) { ended(t, a, retry); };
    h.tick = [this](const std::vector<const PoolTask*>& running) { tick(running); };
    h.heartbeat = [this](const std::vector<const PoolTask*>& running) { heartbeat(running); };
    return h;
  }

  // The store or the file system failing must not stop the sweep: say so and go on.
  void guarded(const std::string& what, const std::function<void()>& f) {
    try {
      f();
    } catch (const std::exception& e) {
      progress_->message("could not " + what + ": " + e.what());
    }
  }

  // Store writes that fail (a full disk) are tried again at every heartbeat and at the end.
  void record(const std::string& what, const std::string& key, std::function<void()> write) {
    if (const auto error = deferred_.attempt(key, std::move(write)))
      progress_->message("could not " + what + " yet (" + *error + "); trying again");
  }

  void fail_without_attempt(const RunConfig& run, const std::string& reason, const std::string& kind) {
    ++outcome_.failed;
    record("record the failure of " + run.key, run.key,
           [this, key = run.key, reason, kind] { store_.record_failure(key, reason, 0, kind); });
    progress_->finished(label_of(run), "failed: " + reason, 0, false);
  }

  bool claim(const PoolTask& task, int /*attempt*/) {
    if (!is_run(task)) return pretraining_->claim(task, pretraining_threads_);
    const RunConfig& run = *by_key_.at(task.id);
    try {
      return claim_run(run);
    } catch (const std::exception& e) {
      fail_without_attempt(run, std::string("could not start the run: ") + e.what(), "failed");
      return false;
    }
  }

  // The parents a post-hoc run combines, or nullopt when it cannot start (said why).
  std::optional<nlohmann::json> parents_of(const RunConfig& run) {
    nlohmann::json parents = nlohmann::json::array();
    for (const std::string& parent : run.parents) {
      const std::string status = store_.run_status(parent);
      if (status == "running") {
        ++outcome_.running_elsewhere;
        progress_->finished(label_of(run), "not started: its parent " + parent_label(parent) +
                                               " runs under another coordinator; run again later",
                            0, false);
        return std::nullopt;
      }
      if (status != "done") {
        fail_without_attempt(run, "parent " + parent_label(parent) + " is " + status, "parent_failed");
        return std::nullopt;
      }
      parents.push_back({{"key", parent}, {"dir", dir_of(parent).string()}});
    }
    return parents;
  }

  bool claim_run(const RunConfig& run) {
    const fs::path dir = dir_of(run.key);
    fs::create_directories(dir);
    std::string why_not;
    if (const auto result = read_result(dir, run.key, why_not)) {  // finished before a crash of its coordinator
      store_.record_success(*result);
      ++outcome_.done;
      ++outcome_.recovered;
      progress_->finished(label_of(run), "done (recovered from its run folder)", 0, false);
      return false;
    }
    if (const std::string failure = pretraining_->failure_of(run); !failure.empty()) {
      fail_without_attempt(run, failure, "failed");
      return false;
    }
    const auto parents = parents_of(run);  // a post-hoc run needs every parent done
    if (!parents) return false;
    if (!store_.claim_run(run.key, owner_, steps_of(run.key))) {
      ++outcome_.running_elsewhere;
      progress_->finished(label_of(run), "claimed by another coordinator", 0, false);
      return false;
    }
    // The worker restores its metric log from the checkpoint, if any.
    for (const fs::path& stale : {run_files::failure(dir), run_files::metrics(dir), run_files::model(dir),
                                  run_files::exit_status(dir), run_files::heartbeat(dir)})
      fs::remove(stale);
    remove_temporary_files(dir);  // of a worker killed mid-write
    write_file_atomically(run_files::job(dir),
                          nlohmann::json{{"kind", find_method(run.method)->posthoc() ? "posthoc" : "finetune"},
                                         {"run_key", run.key},
                                         {"parents", *parents},
                                         {"config", run.config},
                                         {"threads", spec_.threads},
                                         {"checkpoint_every", execution_.at("checkpoint_every")},
                                         {"device", execution_.at("device")},
                                         {"models_dir", (o_.out_dir / "models").string()}}
                              .dump(2));
    return true;
  }

  void blocked(const PoolTask& task, const std::string& parent) {
    if (!is_run(task)) return;
    const RunConfig& run = *by_key_.at(task.id);
    if (pretraining_->owns(parent)) {
      fail_without_attempt(run, pretraining_->failure_of(run), "failed");
      return;
    }
    if (store_.run_status(parent) == "pending") {  // stopped, not failed: it resumes, and so does this run
      ++outcome_.not_started;
      progress_->finished(label_of(run), "not started: its parent " + parent_label(parent) + " was stopped", 0, false);
      return;
    }
    fail_without_attempt(run, "not run: its parent " + parent_label(parent) + " failed", "parent_failed");
  }

  void started(const PoolTask& task, const std::string& handle) {
    started_at_[task.id] = Clock::now();
    followed_[task.id] = {};
    if (is_run(task)) guarded("record the job of " + task.id, [&] { store_.set_job(task.id, handle, spec_.threads); });
  }

  void running(const PoolTask& task) {
    started_at_[task.id] = Clock::now();
    if (is_run(task) && !first_run_start_) first_run_start_ = Clock::now();
    if (is_run(task)) guarded("record the start of " + task.id, [&] { store_.set_job_running(task.id); });
  }

  std::string judge(const PoolTask& task, const Attempt& a) {
    remove_temporary_files(task.dir);  // the worker is gone: what it was writing is lost
    if (!is_run(task)) return pretraining_->judge(task, a);
    // A result the worker managed to write counts, whatever happened to the process after.
    std::string why_not;
    const auto result = read_result(task.dir, task.id, why_not);
    if (!result) return a.outcome == "done" ? "crashed" : a.outcome;
    record("record the result of " + task.id + " (it is safe in its run folder)", task.id,
           [this, r = *result] { store_.record_success(r); });
    return "done";
  }

  void ended(const PoolTask& task, const Attempt& a, bool retry) {
    followed_.erase(task.id);
    if (!is_run(task)) return pretraining_->ended(task, a, retry);
    run_busy_seconds_ += a.seconds;  // the workers' figures count runs, not pretraining
    last_run_end_ = Clock::now();
    const RunConfig& run = *by_key_.at(task.id);
    if (a.outcome == "done") {
      ++outcome_.done;
      progress_->finished(label_of(run), "done", a.seconds, true);
      return;
    }
    const std::string reason = attempt_reason(task.dir, a, execution_);
    const bool final = !retry && a.outcome != "interrupted";
    record("record the end of " + run.key, run.key,
           [this, key = run.key, end = AttemptEnd{a.outcome, reason, a.seconds, a.peak_resident_bytes, final}] {
             store_.end_attempt(key, end);
           });
    if (retry) {
      progress_->message(label_of(run) + ": attempt " + std::to_string(a.number) + " " + a.outcome + " (" + reason +
                         "); trying again");
    } else if (a.outcome == "interrupted") {
      ++outcome_.stopped;
      progress_->finished(label_of(run), reason, a.seconds, false);
    } else {
      ++outcome_.failed;
      progress_->finished(label_of(run), "failed (" + a.outcome + "): " + reason, a.seconds, false);
    }
  }

  std::vector<RunningView> views(const std::vector<const PoolTask*>& running) {
    std::vector<RunningView> out;
    for (const PoolTask* t : running) {
      const double elapsed = std::chrono::duration<double>(Clock::now() - started_at_[t->id]).count();
      if (!is_run(*t)) {
        out.push_back(pretraining_->view(*t, elapsed));
        continue;
      }
      Followed& f = followed_[t->id];
      follow_metrics(t->dir, f);
      out.push_back({label_of(*by_key_.at(t->id)), f.step, steps_of(t->id), f.loss, elapsed});
    }
    return out;
  }

  void tick(const std::vector<const PoolTask*>& running) {
    if (Clock::now() - last_display_ < std::chrono::milliseconds(250)) return;
    last_display_ = Clock::now();
    progress_->show(views(running));
  }

  void heartbeat(const std::vector<const PoolTask*>& running) {
    std::vector<RunProgress> beats;
    for (const PoolTask* t : running) {
      if (is_run(*t)) beats.push_back({t->id, followed_[t->id].step, followed_[t->id].loss});
    }
    guarded("write the heartbeat", [&] { store_.heartbeat(owner_, beats); });
    deferred_.retry();
  }

  void summarise(const PoolSummary& summary) {
    deferred_.retry();
    for (const std::string& key : deferred_.pending()) {
      progress_->message("could not record the end of run " + key +
                         " in the store; the next `tunebench run` of this spec records what its run folder holds");
    }
    outcome_.not_started += summary.not_started;
    outcome_.interrupted = summary.interrupted;
    if (first_run_start_) outcome_.pool_seconds = std::chrono::duration<double>(last_run_end_ - *first_run_start_).count();
    outcome_.busy_seconds = run_busy_seconds_;
    if (outcome_.interrupted) {
      progress_->message("interrupted: " + std::to_string(outcome_.not_started) + " run(s) not started, " +
                         std::to_string(outcome_.stopped) + " stopped; run the same command to resume");
    }
  }

  const Spec& spec_;
  const std::vector<RunConfig>& runs_;
  const ExecutorOptions& o_;
  const nlohmann::json& execution_;
  Store store_;
  const std::string owner_;
  std::unique_ptr<Launcher> launcher_;
  SweepOutcome outcome_;
  int64_t sweep_id_ = 0;
  std::map<std::string, const RunConfig*> by_key_;
  std::vector<const RunConfig*> pending_;
  std::vector<AdoptedJob> adopted_;
  std::vector<PoolTask> tasks_;
  std::unique_ptr<Progress> progress_;
  std::unique_ptr<BaseModelPretraining> pretraining_;
  int64_t pretraining_threads_ = 1;
  DeferredWrites deferred_;
  std::map<std::string, Clock::time_point> started_at_;
  std::map<std::string, Followed> followed_;
  Clock::time_point last_display_ = Clock::now();
  std::optional<Clock::time_point> first_run_start_;
  Clock::time_point last_run_end_;
  double run_busy_seconds_ = 0;
};

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
  return Sweep(spec, runs, o).run();
}

}  // namespace tb
