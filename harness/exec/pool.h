// Runs tasks as jobs of a launcher (harness/exec/launcher.h: child processes, or Slurm
// jobs), at most the launcher's capacity at a time and, with GPUs to hand out, as many as
// their GPUs allow (a task starts once the tasks it comes
// `after` have ended; the next ready ones in list order), each attempt under a time and a
// memory limit (enforced here for child processes, by the scheduler for Slurm), with a
// capped number of further attempts for failures that may pass (killed by a signal,
// crashed, timed out). Jobs an earlier coordinator started can be adopted. It knows
// nothing about runs: the executor gives it command lines and judges each ended attempt
// (a worker killed right after it wrote its result still succeeded).
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "harness/exec/launcher.h"

namespace tb {

// A job (its id, command line, log, environment, folder, CPUs) and what it waits for.
struct PoolTask : JobRequest {
  // Ids of tasks of the same pool that must end first. A task whose prerequisite failed
  // (or was stopped) never starts: hooks.blocked reports it. Ids not in the pool are met.
  std::vector<std::string> after = {};
  // Whether the pool's time and memory limits (a run's) apply; pretraining has none.
  bool limited = true;
};

struct PoolOptions {
  int64_t workers = 1;  // the launcher's capacity decides (Slurm queues every ready task)
  double timeout_seconds = 0;      // per attempt; 0: none
  int64_t memory_limit_bytes = 0;  // resident memory per attempt; 0: none
  int64_t max_attempts = 1;
  double heartbeat_seconds = 2;   // how often hooks.heartbeat runs
  double kill_grace_seconds = 10;  // after SIGTERM on a second Ctrl-C, before SIGKILL
  int poll_ms = 20;
  // The GPUs of this machine to hand out (CUDA_VISIBLE_DEVICES entries): a task that needs
  // g GPUs waits until g are free and runs with CUDA_VISIBLE_DEVICES set to them, so an
  // 8-GPU node runs 8 one-GPU runs at once. Empty: none are handed out (a scheduler does).
  std::vector<std::string> gpu_ids = {};
};

// How an attempt ended: the outcome names of the store (see RunRecord).
struct Attempt {
  int number = 1;
  std::string outcome;  // done, failed, killed, crashed, timeout, oom, interrupted
  ChildExit exit;
  double seconds = 0;  // from the start of its job running (not its wait in a queue)
  int64_t peak_resident_bytes = 0;
  std::string handle;           // the launcher's job handle
  std::string scheduler_state;  // how the scheduler saw its end ("" locally)
  std::string detail;  // why, when the pool knows better than the run folder (a refused submission)
};

// A job an earlier coordinator started for a task of this pool, still known to the
// launcher (queued, running, or ended but not yet recorded): the pool watches it as if it
// had started it, as attempt `attempt`.
struct AdoptedJob {
  std::string task_id;
  std::string handle;
  int attempt = 1;
};

// Whether another attempt may succeed where this outcome failed.
bool outcome_may_pass(const std::string& outcome);

struct PoolHooks {
  // Before each attempt; false skips the task (done meanwhile, claimed by another
  // coordinator, ...). Required.
  std::function<bool(const PoolTask&, int attempt)> claim;
  std::function<void(const PoolTask&, const std::string& handle)> started;
  // When the attempt's job begins to run (at once locally; after its wait in a queue).
  std::function<void(const PoolTask&, const std::string& handle)> running;
  // Turns the pool's reading of an ended attempt into the final outcome. Optional.
  std::function<std::string(const PoolTask&, const Attempt&)> judge;
  // After judging; `will_retry` says whether another attempt follows.
  std::function<void(const PoolTask&, const Attempt&, bool will_retry)> ended;
  // A task that will not start because its prerequisite `failed_id` failed. Optional.
  std::function<void(const PoolTask&, const std::string& failed_id)> blocked;
  // Every heartbeat_seconds, and every poll (`tick`), with the tasks started and not ended.
  std::function<void(const std::vector<const PoolTask*>&)> heartbeat, tick;
};

struct PoolSummary {
  int64_t done = 0, failed = 0, skipped = 0, not_started = 0;
  int64_t stopped = 0;  // attempts ended by a second Ctrl-C (resumable)
  bool interrupted = false;
  double wall_seconds = 0;  // from the first start to the last end
  double busy_seconds = 0;  // the attempts' wall times, summed
};

// The pool's own reading of an exit: done (0), failed (the worker's kRunFailedExitCode),
// interrupted (the worker's kInterruptedExitCode), crashed (any other code) or killed.
std::string outcome_of_exit(const ChildExit& exit);

// Reads interrupt_level() (harness/exec/interrupt.h) between polls: at 1 it starts nothing
// more and waits; at 2 it cancels every job (they checkpoint) and waits for their ends.
PoolSummary run_pool(const std::vector<PoolTask>& tasks, Launcher& launcher, const PoolOptions& options,
                     const PoolHooks& hooks, const std::vector<AdoptedJob>& adopted = {});

}  // namespace tb
