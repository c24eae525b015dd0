// The launcher seam: where a run folder's job runs. The pool starts jobs, polls their
// state, cancels them and reads what is known of their resources through this interface
// only, and keeps an opaque handle per job ("local:<pid>", "slurm:<job id>"), never a pid.
// Implementations: LocalLauncher (child processes on this machine) and SlurmLauncher
// (sbatch job arrays on a cluster).
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/exec/child_process.h"

namespace tb {

// One job: `exe args...` with stdout and stderr in `log`, `env` added to the environment.
// `dir` is the run folder the job works in (a Slurm launcher reads its exit status and
// heartbeat from there when the scheduler has forgotten the job).
struct JobRequest {
  std::string id;
  std::filesystem::path exe;
  std::vector<std::string> args;
  std::filesystem::path log;
  std::map<std::string, std::string> env;
  std::filesystem::path dir;
  int64_t cpus = 0;  // CPUs the job needs; 0: the launcher's default (a Slurm job's cpus_per_task)
  int64_t gpus = 0;  // GPUs the job needs, handed out by the pool where it has GPUs to hand out
};

enum class JobPhase { kQueued, kRunning, kEnded };

struct JobStatus {
  JobPhase phase = JobPhase::kQueued;
  std::string scheduler_state;  // the scheduler's word for it ("PENDING", "TIMEOUT"); "" locally
  int64_t resident_bytes = 0;   // now, where the launcher can see it; 0 otherwise
  // Once ended: how the process exited, and the outcome the scheduler decided on when it
  // ended the job itself ("timeout", "oom", "killed", "interrupted"; "" to judge by `exit`).
  ChildExit exit;
  std::string outcome;
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  virtual std::string backend() const = 0;  // "local" or "slurm"
  // How many jobs may be started and not yet ended at once, given the spec's worker count.
  virtual int64_t capacity(int64_t workers) const = 0;
  // Whether the launcher enforces the time and memory limits itself (the scheduler does);
  // otherwise the pool does, from its own clock and resident_bytes.
  virtual bool enforces_limits() const = 0;
  // Starts the jobs (a Slurm launcher submits them as one job array); their handles, in order.
  virtual std::vector<std::string> start(const std::vector<JobRequest>& jobs) = 0;
  // Takes over a job started by an earlier coordinator (false: this launcher cannot).
  virtual bool attach(const std::string& handle, const JobRequest& job) = 0;
  // The state of each handle this launcher started or attached. Cheap to call often: a
  // scheduler is asked at most once per its own polling interval.
  virtual std::map<std::string, JobStatus> poll(const std::vector<std::string>& handles) = 0;
  // Asks the job to stop (SIGTERM: a worker checkpoints and exits), or kills it (`force`).
  // A job cancelled here ends as "interrupted" unless it ends otherwise first.
  virtual void cancel(const std::string& handle, bool force) = 0;
  // Forgets an ended job.
  virtual void release(const std::string& handle) = 0;
};

}  // namespace tb
