// Runs the runs of a sweep as jobs (`tunebench worker <run dir>`, each with the spec's
// thread count) of the spec's launcher: local worker processes, or Slurm batch jobs
// (execution.backend), and records everything in the store, each attempt with its job.
//   - Finished runs are skipped. A run whose result.json exists but never reached the
//     store (coordinator killed, or executed on another host) is ingested, not re-run.
//   - Every attempt is claimed in the store first (BEGIN IMMEDIATE), so two coordinators
//     on one store never run a cell twice; runs left "running" by a coordinator that is
//     gone (its process ended, or no heartbeat for stale_after_seconds) are marked stale
//     and run again. A run whose Slurm job outlived its coordinator is followed, never
//     submitted twice.
//   - Each attempt runs under the spec's time and memory limits; failures that may pass
//     (killed by a signal, crashed, timeout, stale) are retried up to max_attempts; the
//     worker's own failures (bad config, non-finite loss) and oom are not.
//   - A new attempt continues from the run's checkpoint when there is one.
//   - Base models to pretrain are jobs of the same pool; the runs on them come after.
//   - Ctrl-C once: start nothing new, let the running runs finish. Twice, or SIGTERM:
//     stop them (they checkpoint; Slurm jobs are cancelled) and record them as
//     interrupted; `run` again resumes.
#pragma once
#include <cstdint>
#include <filesystem>
#include <vector>

#include "harness/spec/grid.h"
#include "harness/spec/spec.h"

namespace tb {

struct ExecutorOptions {
  std::filesystem::path out_dir = "results";
  std::filesystem::path worker_exe;  // the tunebench binary
  int64_t workers = 0;  // 0: the spec's execution.workers, or if 0 too, cores / threads
};

struct SweepOutcome {
  int64_t done = 0, failed = 0, skipped = 0, recovered = 0;
  int64_t stale = 0;              // runs found left "running" by a vanished coordinator
  int64_t running_elsewhere = 0;  // claimed by another live coordinator; not run here
  int64_t stopped = 0;            // stopped by a second Ctrl-C; resume from their checkpoints
  int64_t not_started = 0;        // left pending because the sweep was interrupted
  bool interrupted = false;       // Ctrl-C or SIGTERM
  int64_t workers = 1;
  std::string backend = "local";  // execution.backend
  double pool_seconds = 0;  // from the first run's start to the last one's end (pretraining aside)
  double busy_seconds = 0;  // the runs' wall times, summed over attempts
};

// Workers for a sweep: the explicit count, else cores / threads (at least 1).
int64_t resolve_workers(int64_t requested, int64_t threads);

SweepOutcome run_sweep(const Spec& spec, const std::vector<RunConfig>& runs, const ExecutorOptions& options);

}  // namespace tb
