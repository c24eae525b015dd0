// What Slurm's job states mean to a sweep (Slurm 22.05, squeue(1) "JOB STATE CODES"):
// whether the job waits, runs or has ended, and for an ended job the run outcome of the
// store (harness/store/store.h) when the scheduler ended it rather than the worker:
//   TIMEOUT, DEADLINE                     timeout  (past its time limit)
//   OUT_OF_MEMORY                         oom
//   NODE_FAIL, PREEMPTED, BOOT_FAIL,
//   REVOKED                               killed   (not the run's fault: retried)
//   CANCELLED                             interrupted when this coordinator cancelled it
//                                         (a second Ctrl-C), else killed (someone ran
//                                         scancel on one job: retried from its checkpoint)
//   COMPLETED, FAILED                     judged by the worker's exit status
// A requeued job (REQUEUED, REQUEUE_HOLD) waits again: Slurm retries it itself.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "harness/exec/launcher.h"

namespace tb {

// The phase of a Slurm state name ("CANCELLED by 0" reads as CANCELLED); nullopt for a
// name this table does not know.
std::optional<JobPhase> slurm_phase(const std::string& state);

// The outcome of an ended job as above; "" where the worker's exit status decides.
std::string slurm_outcome(const std::string& state, bool cancelled_here);

// One line of `squeue -h -r -o "%i|%T"` or `sacct -n -P -X -o JobID,State`: the job id
// ("123" or "123_4") and its state; nullopt for a line of another shape.
std::optional<std::pair<std::string, std::string>> parse_job_state_line(const std::string& line);

// The job id in `sbatch --parsable` output ("123" or "123;cluster"); nullopt if none.
std::optional<std::string> parse_sbatch_job_id(const std::string& output);

// A time limit for sbatch --time from seconds: whole minutes, rounded up ("2" for 61 s).
std::string slurm_minutes(double seconds);

// Whether `text` is a time limit sbatch accepts: "M", "M:S", "H:M:S", "D-H", "D-H:M",
// "D-H:M:S", or "UNLIMITED" / "INFINITE".
bool is_slurm_time(const std::string& text);

// Whether `text` is a memory size sbatch --mem accepts: digits and an optional K, M, G or T.
bool is_slurm_memory(const std::string& text);

}  // namespace tb
