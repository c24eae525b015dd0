// Starts a program (no shell) as a child process with its output in a log file, and
// watches it without blocking: exit, memory, signals. The child leads its own process
// group, so a terminal's Ctrl-C reaches only the coordinator, which decides what happens
// to its workers; and it dies with the process that started it (PR_SET_PDEATHSIG), so a
// coordinator killed with SIGKILL leaves no orphan worker writing into a run folder.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tb {

struct ChildExit {
  int exit_code = -1;  // valid when signal == 0
  int signal = 0;      // the signal that killed it, or 0
  std::string describe() const;  // "exit code 3" / "killed by signal 9 (Killed)"
};

class ChildProcess {
 public:
  // stdout and stderr go to `log` (truncated). `env` adds to or replaces this process's
  // environment.
  ChildProcess(const std::filesystem::path& exe, const std::vector<std::string>& args,
               const std::filesystem::path& log, const std::map<std::string, std::string>& env);
  ~ChildProcess();  // kills the child's process group if it still runs
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int64_t pid() const { return pid_; }
  // Non-blocking: the exit once the child has ended (and been reaped).
  std::optional<ChildExit> poll();
  ChildExit wait();
  // Sends `sig` to the child's process group (the child and anything it started).
  void signal_group(int sig);
  // Resident memory of the child now, in bytes (0 once it has ended).
  int64_t resident_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int64_t pid_ = 0;
  std::optional<ChildExit> exit_;
};

// Runs a child to its end: on_started(pid) once, on_tick() every `tick_ms` meanwhile.
ChildExit run_child(const std::filesystem::path& exe, const std::vector<std::string>& args,
                    const std::filesystem::path& log, const std::map<std::string, std::string>& env,
                    const std::function<void(int64_t pid)>& on_started,
                    const std::function<void()>& on_tick, int tick_ms = 250);

}  // namespace tb
