// Runs the runs of a sweep, each in its own `tunebench worker` process, one after
// another; records everything in the store. Finished runs are skipped; a run whose
// result.json exists but never reached the store (coordinator killed) is ingested
// without re-running; a failed run is recorded with its reason and the sweep goes on.
// On Ctrl-C or SIGTERM the run in progress is recorded as interrupted (unless it
// finished) and no further run starts.
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
};

struct SweepOutcome {
  int64_t done = 0, failed = 0, skipped = 0, recovered = 0;
  int64_t not_started = 0;   // left pending because the sweep was interrupted
  bool interrupted = false;  // Ctrl-C or SIGTERM: no new run was started after it
};

SweepOutcome run_sweep(const Spec& spec, const std::vector<RunConfig>& runs, const ExecutorOptions& options);

}  // namespace tb
