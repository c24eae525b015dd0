// Starts a program (no shell) as a child process with its output in a log file, and
// waits for it while calling back, so the caller can show progress.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace tb {

struct ChildExit {
  int exit_code = -1;  // valid when signal == 0
  int signal = 0;      // the signal that killed it, or 0
  std::string describe() const;  // "exit code 3" / "killed by signal 9 (Killed)"
};

// stdout and stderr go to `log` (truncated). `env` adds to or replaces this process's
// environment. on_started(pid) runs once; on_tick() every `tick_ms` until the child exits.
ChildExit run_child(const std::filesystem::path& exe, const std::vector<std::string>& args,
                    const std::filesystem::path& log, const std::map<std::string, std::string>& env,
                    const std::function<void(int64_t pid)>& on_started, const std::function<void()>& on_tick,
                    int tick_ms = 250);

}  // namespace tb
