#include "harness/exec/attempt_reason.h"

#include "harness/common/files.h"
#include "harness/exec/progress.h"
#include "harness/exec/run_dir.h"
#include "harness/exec/slurm_job_state.h"
#include "harness/exec/slurm_launcher.h"

namespace tb {
namespace {

namespace fs = std::filesystem;

std::string log_tail(const fs::path& dir) {
  const std::string tail = file_tail(run_files::log(dir), 400);
  return tail.empty() ? "" : "; log ends: " + tail;
}

std::string reported_reason(const fs::path& dir) {
  if (!fs::exists(run_files::failure(dir))) return "";
  try {
    return nlohmann::json::parse(read_file(run_files::failure(dir))).at("reason").get<std::string>();
  } catch (...) {
    return "";
  }
}

std::string mib(int64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// How Slurm ended a job it ended itself (a limit, a node, another user's scancel).
std::string slurm_reason(const fs::path& dir, const Attempt& a, const nlohmann::json& execution) {
  const std::string job = "Slurm job " + slurm_job_id(a.handle);
  if (a.scheduler_state == "LOST")
    return job + " is unknown to squeue and sacct and its worker's heartbeat stopped: lost" + log_tail(dir);
  if (a.outcome == "timeout") {
    // The limit the job was submitted with: execution.slurm.time, else timeout_seconds in minutes.
    std::string limit = execution.value("slurm", nlohmann::json::object()).value("time", std::string());
    const double timeout = execution.at("timeout_seconds").get<double>();
    if (limit.empty()) limit = timeout > 0 ? slurm_minutes(timeout) + " min" : "the partition's";
    return "timed out: " + job + " ended " + a.scheduler_state + " after " + format_duration(a.seconds) +
           " of running (time limit " + limit + ")" + log_tail(dir);
  }
  if (a.outcome == "oom") return "out of memory: " + job + " ended " + a.scheduler_state + log_tail(dir);
  return job + " ended " + a.scheduler_state + ", not by this coordinator; the next attempt continues from its checkpoint";
}

}  // namespace

std::string failure_reason(const fs::path& dir, const ChildExit& exit) {
  const std::string reported = reported_reason(dir);
  return reported.empty() ? "worker " + exit.describe() + log_tail(dir) : reported;
}

std::string worker_report(const fs::path& dir) {
  const std::string reported = reported_reason(dir);
  return reported.empty() ? "" : "the worker failed: " + reported;
}

std::string attempt_reason(const fs::path& dir, const Attempt& a, const nlohmann::json& execution) {
  if (!a.detail.empty()) return a.detail;
  const bool scheduler_ended = !a.scheduler_state.empty() && (a.outcome == "timeout" || a.outcome == "oom" || a.outcome == "killed");
  if (scheduler_ended) return slurm_reason(dir, a, execution);
  if (a.outcome == "timeout")
    return "timed out: killed after " + format_duration(a.seconds) + " (limit " +
           format_duration(execution.at("timeout_seconds").get<double>()) + ")" + log_tail(dir);
  if (a.outcome == "oom")
    return "out of memory: killed at " + mib(a.peak_resident_bytes) + " resident (limit " +
           std::to_string(execution.at("memory_limit_mb").get<int64_t>()) + " MiB)" + log_tail(dir);
  if (a.outcome == "interrupted")
    return std::string("interrupted (Ctrl-C or SIGTERM) while ") +
           (!a.scheduler_state.empty() && a.seconds == 0 ? "queued; " : "running; ") +
           (fs::exists(run_files::checkpoint(dir)) ? "the next run continues from its checkpoint"
                                                    : "the next run starts it again");
  if (a.outcome == "crashed" && a.exit.exit_code == 0) return "worker exited without writing result.json" + log_tail(dir);
  return failure_reason(dir, a.exit);
}

}  // namespace tb
