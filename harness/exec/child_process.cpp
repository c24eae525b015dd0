#include "harness/exec/child_process.h"

#include <sys/wait.h>

#include <boost/process.hpp>
#include <chrono>
#include <cstring>
#include <thread>

namespace tb {

std::string ChildExit::describe() const {
  if (signal != 0) return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exit code " + std::to_string(exit_code);
}

ChildExit run_child(const std::filesystem::path& exe, const std::vector<std::string>& args,
                    const std::filesystem::path& log, const std::map<std::string, std::string>& env,
                    const std::function<void(int64_t pid)>& on_started, const std::function<void()>& on_tick,
                    int tick_ms) {
  namespace bp = boost::process;
  bp::environment child_env = boost::this_process::environment();
  for (const auto& [k, v] : env) child_env[k] = v;
  // Boost.Process opens the file without truncating it: start from an empty log.
  std::filesystem::remove(log);
  bp::child child(bp::exe = exe.string(), bp::args = args, (bp::std_out & bp::std_err) > log.string(),
                  bp::std_in < bp::null, child_env);
  if (on_started) on_started(child.id());
  while (child.running()) {
    if (on_tick) on_tick();
    std::this_thread::sleep_for(std::chrono::milliseconds(tick_ms));
  }
  child.wait();
  const int status = child.native_exit_code();
  ChildExit out;
  if (WIFSIGNALED(status)) {
    out.signal = WTERMSIG(status);
  } else {
    out.exit_code = WEXITSTATUS(status);
  }
  return out;
}

}  // namespace tb
