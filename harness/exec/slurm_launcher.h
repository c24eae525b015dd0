// Runs jobs as Slurm batch jobs: each start() is one `sbatch --array` over its jobs (one
// array task per run folder, throttled to `array_parallelism` at once), each task runs
// `tunebench worker <run folder>` through a generated script in `scripts_dir`. Run folders
// must be on a filesystem the nodes share, at the same path.
// States come from `squeue` (which also shows ended jobs for MinJobAge seconds), from
// `sacct` where accounting exists, and always from the run folder: the script writes the
// worker's exit status to <run folder>/exit_status, and the worker touches
// <run folder>/heartbeat while it runs, so a job the scheduler has forgotten is judged by
// those (ended with that status; running while the heartbeat is fresh; else lost).
// Slurm enforces the time (--time) and memory (--mem) limits; see slurm_job_state.h for
// what each end state means.
#pragma once
#include <chrono>
#include <set>

#include "harness/exec/launcher.h"

namespace tb {

struct SlurmOptions {
  std::string partition, account, qos, time, mem, gpus;  // "" leaves them to the cluster
  int64_t cpus_per_task = 1;
  int64_t array_parallelism = 0;  // 0: no throttle
  std::vector<std::string> extra_args;
  std::string job_name = "tunebench";
  std::filesystem::path scripts_dir;    // batch scripts, run folder lists, Slurm's own output
  double lost_after_seconds = 60;       // heartbeat age past which a forgotten job is lost
  double poll_interval_seconds = 1;
};

// The arguments of `sbatch` for an array of `count` jobs running `script` (tested alone).
// `cpus` replaces cpus_per_task when not 0.
std::vector<std::string> sbatch_arguments(const SlurmOptions& options, size_t count,
                                          const std::filesystem::path& script, int64_t cpus = 0);

// Why Slurm cannot be used from this machine ("" when `sinfo` answers).
std::string slurm_unavailable_reason();

class SlurmLauncher : public Launcher {
 public:
  explicit SlurmLauncher(SlurmOptions options);
  std::string backend() const override { return "slurm"; }
  int64_t capacity(int64_t) const override { return int64_t(1) << 30; }  // the scheduler queues
  bool enforces_limits() const override { return true; }
  std::vector<std::string> start(const std::vector<JobRequest>& jobs) override;
  bool attach(const std::string& handle, const JobRequest& job) override;
  std::map<std::string, JobStatus> poll(const std::vector<std::string>& handles) override;
  void cancel(const std::string& handle, bool force) override;
  void release(const std::string& handle) override;

 private:
  void refresh_states(const std::vector<std::string>& handles);
  JobStatus status_of(const std::string& handle) const;
  JobStatus status_from_folder(const JobRequest& job) const;
  // One job array for jobs that need the same CPUs; their handles.
  std::vector<std::string> submit_array(const std::vector<JobRequest>& jobs);

  SlurmOptions options_;
  std::map<std::string, JobRequest> jobs_;     // by handle
  std::map<std::string, std::string> states_;  // Slurm job id -> state, from the last refresh
  std::set<std::string> cancelled_;
  std::chrono::steady_clock::time_point refreshed_{};
  bool accounting_ = true;  // sacct answers (until it says accounting is disabled)
  int64_t submissions_ = 0;
};

// "slurm:123_4" -> "123_4"; "" for a handle of another launcher.
std::string slurm_job_id(const std::string& handle);

}  // namespace tb
