#include "harness/exec/local_launcher.h"

#include <signal.h>

namespace tb {

std::vector<std::string> LocalLauncher::start(const std::vector<JobRequest>& jobs) {
  std::vector<std::string> handles;
  for (const JobRequest& job : jobs) {
    auto child = std::make_unique<ChildProcess>(job.exe, job.args, job.log, job.env);
    handles.push_back("local:" + std::to_string(child->pid()));
    children_[handles.back()] = std::move(child);
  }
  return handles;
}

std::map<std::string, JobStatus> LocalLauncher::poll(const std::vector<std::string>& handles) {
  std::map<std::string, JobStatus> out;
  for (const std::string& handle : handles) {
    const auto it = children_.find(handle);
    if (it == children_.end()) continue;
    JobStatus& s = out[handle];
    s.resident_bytes = it->second->resident_bytes();
    if (const auto exit = it->second->poll()) {
      s.phase = JobPhase::kEnded;
      s.exit = *exit;
    } else {
      s.phase = JobPhase::kRunning;
    }
  }
  return out;
}

void LocalLauncher::cancel(const std::string& handle, bool force) {
  const auto it = children_.find(handle);
  if (it != children_.end()) it->second->signal_group(force ? SIGKILL : SIGTERM);
}

}  // namespace tb
