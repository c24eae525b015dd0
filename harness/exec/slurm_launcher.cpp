#include "harness/exec/slurm_launcher.h"

#include <unistd.h>

#include <sstream>

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/exec/command_output.h"
#include "harness/exec/heartbeat_file.h"
#include "harness/exec/run_dir.h"
#include "harness/exec/slurm_job_state.h"

namespace tb {
namespace {

namespace fs = std::filesystem;

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Array task i runs job i: its environment, its command with output to its log, then the
// exit status into its run folder. SIGTERM (scancel, a time limit) goes to the worker,
// which checkpoints and exits; the script ignores it and waits for that.
std::string batch_script(const std::vector<JobRequest>& jobs) {
  std::ostringstream s;
  s << "#!/bin/bash\n# Written by tunebench: array task i runs the i-th job below.\n"
    << "trap '' TERM INT\ncase \"$SLURM_ARRAY_TASK_ID\" in\n";
  for (size_t i = 0; i < jobs.size(); ++i) {
    const JobRequest& j = jobs[i];
    s << "  " << i << ")\n";
    for (const auto& [k, v] : j.env) s << "    export " << k << "=" << quoted(v) << "\n";
    s << "    dir=" << quoted(fs::absolute(j.dir).string()) << "\n    " << quoted(fs::absolute(j.exe).string());
    for (const std::string& a : j.args) s << " " << quoted(a);
    s << " >" << quoted(fs::absolute(j.log).string()) << " 2>&1\n    ;;\n";
  }
  s << "  *) echo \"no job for array task $SLURM_ARRAY_TASK_ID\" >&2; exit 2 ;;\nesac\n"
    << "status=$?\n"
    << "printf '%s\\n' \"$status\" >\"$dir/" << run_files::exit_status("").string() << ".tmp\" && "
    << "mv -f \"$dir/" << run_files::exit_status("").string() << ".tmp\" \"$dir/"
    << run_files::exit_status("").string() << "\"\n"
    << "exit \"$status\"\n";
  return s.str();
}

// The text of a command's output on one line, for a message.
std::string one_line(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '\n' ? std::string("; ") : std::string(1, c);
  while (!out.empty() && (out.back() == ' ' || out.back() == ';')) out.pop_back();
  return out;
}

std::string joined_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

// Job id -> state from `squeue`/`sacct` output lines; false when the command failed.
bool read_states(const CommandOutput& out, std::map<std::string, std::string>& states) {
  if (out.exit_code != 0) return false;
  std::istringstream in(out.text);
  std::string line;
  while (std::getline(in, line)) {
    if (const auto parsed = parse_job_state_line(line)) states[parsed->first] = parsed->second;
  }
  return true;
}

std::optional<int> read_exit_status(const fs::path& dir) {
  try {
    if (!fs::exists(run_files::exit_status(dir))) return std::nullopt;
    return std::stoi(read_file(run_files::exit_status(dir)));
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

std::string slurm_job_id(const std::string& handle) {
  return handle.rfind("slurm:", 0) == 0 ? handle.substr(6) : "";
}

std::vector<std::string> sbatch_arguments(const SlurmOptions& o, size_t count, const fs::path& script, int64_t cpus) {
  std::vector<std::string> args = {"--parsable", "--job-name=" + o.job_name,
                                   "--output=" + (fs::absolute(o.scripts_dir) / "%A_%a.out").string(),
                                   "--chdir=" + fs::current_path().string(),
                                   "--cpus-per-task=" + std::to_string(cpus > 0 ? cpus : o.cpus_per_task)};
  std::string array = "--array=0-" + std::to_string(count - 1);
  if (o.array_parallelism > 0) array += "%" + std::to_string(o.array_parallelism);
  args.push_back(array);
  const std::vector<std::pair<const char*, std::string>> named = {
      {"--partition=", o.partition}, {"--account=", o.account}, {"--qos=", o.qos},
      {"--time=", o.time},           {"--mem=", o.mem},         {"--gpus=", o.gpus}};
  for (const auto& [flag, value] : named) {
    if (!value.empty()) args.push_back(flag + value);
  }
  args.insert(args.end(), o.extra_args.begin(), o.extra_args.end());
  args.push_back(fs::absolute(script).string());
  return args;
}

std::string slurm_unavailable_reason() {
  const CommandOutput out = run_command("sinfo", {"-h", "-o", "%P %a"});
  if (out.exit_code == 0) return "";
  return "`sinfo` failed (" + (out.exit_code < 0 ? std::string("not run") : "exit code " + std::to_string(out.exit_code)) +
         "): " + one_line(out.text);
}

SlurmLauncher::SlurmLauncher(SlurmOptions options) : options_(std::move(options)) {}

std::vector<std::string> SlurmLauncher::start(const std::vector<JobRequest>& jobs) {
  std::map<int64_t, std::vector<size_t>> by_cpus;
  for (size_t i = 0; i < jobs.size(); ++i) by_cpus[jobs[i].cpus].push_back(i);
  std::vector<std::string> handles(jobs.size());
  for (const auto& [cpus, indices] : by_cpus) {
    std::vector<JobRequest> group;
    for (size_t i : indices) group.push_back(jobs[i]);
    const auto submitted = submit_array(group);
    for (size_t k = 0; k < indices.size(); ++k) handles[indices[k]] = submitted[k];
  }
  return handles;
}

std::vector<std::string> SlurmLauncher::submit_array(const std::vector<JobRequest>& jobs) {
  fs::create_directories(options_.scripts_dir);
  const std::string stem = "array-" + std::to_string(::getpid()) + "-" + std::to_string(++submissions_);
  const fs::path script = options_.scripts_dir / (stem + ".sh");
  write_file_atomically(script, batch_script(jobs));
  fs::permissions(script, fs::perms::owner_all, fs::perm_options::add);
  for (const JobRequest& j : jobs) {
    fs::remove(run_files::exit_status(j.dir));
    fs::remove(run_files::heartbeat(j.dir));
  }
  const CommandOutput out = run_command("sbatch", sbatch_arguments(options_, jobs.size(), script, jobs.front().cpus));
  const auto id = out.exit_code == 0 ? parse_sbatch_job_id(out.text) : std::nullopt;
  if (!id) throw std::runtime_error("sbatch refused the job array (" + script.string() + "): " + one_line(out.text));
  std::vector<std::string> handles;
  for (size_t i = 0; i < jobs.size(); ++i) {
    handles.push_back("slurm:" + *id + "_" + std::to_string(i));
    jobs_[handles.back()] = jobs[i];
  }
  return handles;
}

bool SlurmLauncher::attach(const std::string& handle, const JobRequest& job) {
  if (slurm_job_id(handle).empty()) return false;
  jobs_[handle] = job;
  refreshed_ = {};  // ask the scheduler at the next poll
  return true;
}

void SlurmLauncher::refresh_states(const std::vector<std::string>& handles) {
  std::map<std::string, std::string> states;
  if (!read_states(run_command("squeue", {"--me", "-h", "-r", "-t", "all", "-o", "%i|%T"}), states)) {
    return;  // the controller did not answer: keep what it said last
  }
  std::vector<std::string> missing;
  for (const std::string& h : handles) {
    if (!states.count(slurm_job_id(h))) missing.push_back(slurm_job_id(h));
  }
  if (!missing.empty() && accounting_) {
    const CommandOutput out = run_command("sacct", {"-n", "-P", "-X", "-o", "JobID,State", "-j", joined_ids(missing)});
    if (out.text.find("accounting storage is disabled") != std::string::npos) accounting_ = false;
    read_states(out, states);
  }
  for (const std::string& h : handles) {
    const std::string id = slurm_job_id(h);
    if (states.count(id)) {
      states_[id] = states.at(id);
    } else {
      states_[id] = "";  // the scheduler has forgotten it: the run folder tells
    }
  }
}

JobStatus SlurmLauncher::status_from_folder(const JobRequest& job) const {
  JobStatus s;
  if (const auto code = read_exit_status(job.dir)) {
    s.phase = JobPhase::kEnded;
    s.exit.exit_code = *code;
    return s;
  }
  const double age = heartbeat_age_seconds(job.dir);
  if (age >= 0 && age < options_.lost_after_seconds) {
    s.phase = JobPhase::kRunning;
    return s;
  }
  s.phase = JobPhase::kEnded;
  s.outcome = "killed";
  s.scheduler_state = "LOST";
  return s;
}

JobStatus SlurmLauncher::status_of(const std::string& handle) const {
  const JobRequest& job = jobs_.at(handle);
  const auto known = states_.find(slurm_job_id(handle));
  if (known == states_.end()) return JobStatus{};  // not asked yet: queued
  if (known->second.empty()) return status_from_folder(job);
  JobStatus s;
  s.scheduler_state = known->second;
  s.phase = slurm_phase(known->second).value_or(JobPhase::kRunning);
  if (s.phase != JobPhase::kEnded) return s;
  s.outcome = slurm_outcome(known->second, cancelled_.count(handle) > 0);
  const auto code = read_exit_status(job.dir);
  s.exit.exit_code = code ? *code : (s.scheduler_state == "COMPLETED" ? 0 : -1);
  return s;
}

std::map<std::string, JobStatus> SlurmLauncher::poll(const std::vector<std::string>& handles) {
  if (handles.empty()) return {};  // nothing to ask the scheduler about
  const auto now = std::chrono::steady_clock::now();
  if (now - refreshed_ >= std::chrono::duration<double>(options_.poll_interval_seconds)) {
    std::vector<std::string> known;
    for (const std::string& h : handles) {
      if (jobs_.count(h)) known.push_back(h);
    }
    refresh_states(known);
    refreshed_ = now;
  }
  std::map<std::string, JobStatus> out;
  for (const std::string& h : handles) {
    if (jobs_.count(h)) out[h] = status_of(h);
  }
  return out;
}

void SlurmLauncher::cancel(const std::string& handle, bool force) {
  const std::string id = slurm_job_id(handle);
  if (id.empty()) return;
  cancelled_.insert(handle);
  if (force) {
    run_command("scancel", {"--full", "--signal=KILL", id});
  } else {
    run_command("scancel", {id});
  }
  refreshed_ = {};
}

void SlurmLauncher::release(const std::string& handle) {
  jobs_.erase(handle);
  cancelled_.erase(handle);
  states_.erase(slurm_job_id(handle));
}

}  // namespace tb
