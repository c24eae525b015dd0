#include "harness/exec/child_process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

namespace tb {
namespace {

namespace bp = boost::process;

// Runs in the child between fork and exec.
struct OwnGroupDiesWithParent : bp::extend::handler {
  pid_t parent = ::getpid();
  template <class Executor>
  void on_exec_setup(Executor&) const {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
  }
};

}  // namespace

struct ChildProcess::Impl {
  bp::child child;
};

std::string ChildExit::describe() const {
  if (signal != 0) return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exit code " + std::to_string(exit_code);
}

ChildProcess::ChildProcess(const std::filesystem::path& exe, const std::vector<std::string>& args,
                           const std::filesystem::path& log,
                           const std::map<std::string, std::string>& env) {
  bp::environment child_env = boost::this_process::environment();
  for (const auto& [k, v] : env) child_env[k] = v;
  // Boost.Process opens the file without truncating it: start from an empty log.
  std::filesystem::remove(log);
  impl_ = std::make_unique<Impl>(Impl{bp::child(bp::exe = exe.string(), bp::args = args,
                                                (bp::std_out & bp::std_err) > log.string(),
                                                bp::std_in < bp::null, child_env, OwnGroupDiesWithParent{})});
  pid_ = impl_->child.id();
}

ChildProcess::~ChildProcess() {
  if (!exit_) {
    signal_group(SIGKILL);
    wait();
  }
}

std::optional<ChildExit> ChildProcess::poll() {
  if (exit_) return exit_;
  std::error_code ec;
  if (impl_->child.running(ec) || ec) return std::nullopt;
  const int status = impl_->child.native_exit_code();
  ChildExit out;
  if (WIFSIGNALED(status)) {
    out.signal = WTERMSIG(status);
  } else {
    out.exit_code = WEXITSTATUS(status);
  }
  exit_ = out;
  return exit_;
}

ChildExit ChildProcess::wait() {
  while (!poll()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return *exit_;
}

void ChildProcess::signal_group(int sig) {
  if (exit_) return;
  // The group exists from the child's setpgid on; before that, signal the child itself.
  if (::kill(-pid_t(pid_), sig) != 0) ::kill(pid_t(pid_), sig);
}

int64_t ChildProcess::resident_bytes() const {
  if (exit_) return 0;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6)) * 1024;  // "VmRSS:  1234 kB"
  }
  return 0;
}

ChildExit run_child(const std::filesystem::path& exe, const std::vector<std::string>& args,
                    const std::filesystem::path& log, const std::map<std::string, std::string>& env,
                    const std::function<void(int64_t pid)>& on_started,
                    const std::function<void()>& on_tick, int tick_ms) {
  ChildProcess child(exe, args, log, env);
  if (on_started) on_started(child.pid());
  while (true) {
    if (auto exit = child.poll()) return *exit;
    if (on_tick) on_tick();
    std::this_thread::sleep_for(std::chrono::milliseconds(tick_ms));
  }
}

}  // namespace tb
