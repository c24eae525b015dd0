// Runs jobs as child processes of this coordinator (harness/exec/child_process.h): each
// in its own process group, dying with the coordinator; at most `workers` at once. The
// pool enforces the time and memory limits, reading resident memory from /proc.
#pragma once
#include <memory>

#include "harness/exec/launcher.h"

namespace tb {

class LocalLauncher : public Launcher {
 public:
  std::string backend() const override { return "local"; }
  int64_t capacity(int64_t workers) const override { return std::max<int64_t>(1, workers); }
  bool enforces_limits() const override { return false; }
  std::vector<std::string> start(const std::vector<JobRequest>& jobs) override;
  bool attach(const std::string&, const JobRequest&) override { return false; }  // died with their coordinator
  std::map<std::string, JobStatus> poll(const std::vector<std::string>& handles) override;
  void cancel(const std::string& handle, bool force) override;
  void release(const std::string& handle) override { children_.erase(handle); }

 private:
  std::map<std::string, std::unique_ptr<ChildProcess>> children_;
};

}  // namespace tb
