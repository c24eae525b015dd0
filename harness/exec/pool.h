// Runs tasks as child processes, at most `workers` at a time (a task starts once the tasks
// it comes `after` have ended; the next ready one in list order), each attempt under a time
// and a memory limit, with a capped number of further attempts for failures that may pass
// (killed by a signal, crashed, timed out). It knows nothing about runs: the executor
// gives it command lines and judges each ended attempt (a worker killed right after it
// wrote its result still succeeded).
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "harness/exec/child_process.h"

namespace tb {

struct PoolTask {
  std::string id;
  std::filesystem::path exe;
  std::vector<std::string> args;
  std::filesystem::path log;
  std::map<std::string, std::string> env;
  // Ids of tasks of the same pool that must end first. A task whose prerequisite failed
  // (or was stopped) never starts: hooks.blocked reports it. Ids not in the pool are met.
  std::vector<std::string> after;
};

struct PoolOptions {
  int64_t workers = 1;
  double timeout_seconds = 0;      // per attempt; 0: none
  int64_t memory_limit_bytes = 0;  // resident memory per attempt; 0: none
  int64_t max_attempts = 1;
  double heartbeat_seconds = 2;   // how often hooks.heartbeat runs
  double kill_grace_seconds = 10;  // after SIGTERM on a second Ctrl-C, before SIGKILL
  int poll_ms = 20;
};

// How an attempt ended: the outcome names of the store (see RunRecord).
struct Attempt {
  int number = 1;
  std::string outcome;  // done, failed, killed, crashed, timeout, oom, interrupted
  ChildExit exit;
  double seconds = 0;
  int64_t peak_resident_bytes = 0;
};

// Whether another attempt may succeed where this outcome failed.
bool outcome_may_pass(const std::string& outcome);

struct PoolHooks {
  // Before each attempt; false skips the task (done meanwhile, claimed by another
  // coordinator, ...). Required.
  std::function<bool(const PoolTask&, int attempt)> claim;
  std::function<void(const PoolTask&, int64_t pid)> started;
  // Turns the pool's reading of an ended attempt into the final outcome. Optional.
  std::function<std::string(const PoolTask&, const Attempt&)> judge;
  // After judging; `will_retry` says whether another attempt follows.
  std::function<void(const PoolTask&, const Attempt&, bool will_retry)> ended;
  // A task that will not start because its prerequisite `failed_id` failed. Optional.
  std::function<void(const PoolTask&, const std::string& failed_id)> blocked;
  // Every heartbeat_seconds, and every poll (`tick`), with the tasks running.
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

// Reads interrupt_level() (harness/exec/interrupt.h) between polls.
PoolSummary run_pool(const std::vector<PoolTask>& tasks, const PoolOptions& options,
                     const PoolHooks& hooks);

}  // namespace tb
