// The worker pool on stand-in workers (shell commands): concurrency, limits, retries,
// interrupts. The executor's use of it with real workers is in tests/integration.
#include "harness/exec/pool.h"

#include <signal.h>

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "harness/common/files.h"
#include "harness/exec/interrupt.h"
#include "harness/exec/local_launcher.h"
#include "harness/exec/worker.h"
#include "tests/test_util.h"

namespace tb {
namespace {

namespace fs = std::filesystem;

PoolSummary run_local(const std::vector<PoolTask>& tasks, const PoolOptions& o, const PoolHooks& h) {
  LocalLauncher launcher;
  return run_pool(tasks, launcher, o, h);
}

PoolTask shell_task(const fs::path& dir, const std::string& id, const std::string& script) {
  return {id, "/bin/sh", {"-c", script}, dir / (id + ".log"), {}};
}

struct Recorder {
  std::map<std::string, std::vector<Attempt>> attempts;
  std::map<std::string, std::vector<bool>> retried;
  PoolHooks hooks() {
    PoolHooks h;
    h.claim = [](const PoolTask&, int) { return true; };
    h.ended = [this](const PoolTask& t, const Attempt& a, bool retry) {
      attempts[t.id].push_back(a);
      retried[t.id].push_back(retry);
    };
    return h;
  }
};

TEST(Pool, RunsAtMostWorkersAtOnceAndKeepsThemBusy) {
  testing::ScratchDir dir("pool");
  const fs::path events = dir.path() / "events.txt";
  std::vector<PoolTask> tasks;
  for (int i = 0; i < 6; ++i) {
    tasks.push_back(shell_task(dir.path(), "t" + std::to_string(i),
                               "echo start >> " + events.string() + "; sleep 0.3; echo end >> " + events.string()));
  }
  Recorder r;
  PoolOptions o;
  o.workers = 2;
  const PoolSummary s = run_local(tasks, o, r.hooks());
  EXPECT_EQ(s.done, 6);
  EXPECT_EQ(s.failed, 0);
  std::ifstream in(events);
  std::string line;
  int now = 0, most = 0, starts = 0;
  while (std::getline(in, line)) {
    now += line == "start" ? 1 : -1;
    starts += line == "start";
    most = std::max(most, now);
  }
  EXPECT_EQ(starts, 6);
  EXPECT_EQ(most, 2) << "two workers: two tasks at once, never three";
  EXPECT_GT(s.busy_seconds, 6 * 0.3);
}

TEST(Pool, ATaskStartsAfterItsPrerequisitesAndNeverAfterOneFailed) {
  testing::ScratchDir dir("pool");
  const fs::path events = dir.path() / "events.txt";
  auto logged = [&](const std::string& id, const std::string& then) {
    return shell_task(dir.path(), id, "echo " + id + " >> " + events.string() + "; sleep 0.2; " + then);
  };
  std::vector<PoolTask> tasks = {logged("child", "true"), logged("slow_parent", "true"), logged("bad_parent", "exit 3"),
                                 logged("orphan", "true"), logged("free", "true")};
  tasks[0].after = {"slow_parent", "not_in_this_pool"};
  tasks[3].after = {"slow_parent", "bad_parent"};
  Recorder r;
  std::vector<std::pair<std::string, std::string>> blocked;
  PoolHooks hooks = r.hooks();
  hooks.blocked = [&](const PoolTask& t, const std::string& parent) { blocked.emplace_back(t.id, parent); };
  PoolOptions o;
  o.workers = 3;
  const PoolSummary s = run_local(tasks, o, hooks);
  std::vector<std::string> order;
  std::ifstream in(events);
  for (std::string line; std::getline(in, line);) order.push_back(line);
  ASSERT_EQ(order.size(), 4u) << "the orphan never starts";
  EXPECT_EQ(order.back(), "child") << "the child waits for its parent although it is listed first";
  EXPECT_EQ(blocked, (std::vector<std::pair<std::string, std::string>>{{"orphan", "bad_parent"}}));
  EXPECT_EQ(s.done, 3);
  EXPECT_EQ(s.failed, 2);
  EXPECT_EQ(r.attempts.count("orphan"), 0u);
}

TEST(Pool, AHangingTaskIsKilledAtItsTimeoutWithEverythingItStarted) {
  testing::ScratchDir dir("pool");
  const fs::path pid_file = dir.path() / "sleep.pid";
  // The shell starts a child that would outlive it: the whole process group must go.
  std::vector<PoolTask> tasks = {
      shell_task(dir.path(), "hang", "sleep 300 & echo $! > " + pid_file.string() + "; wait")};
  Recorder r;
  PoolOptions o;
  o.timeout_seconds = 0.5;
  o.max_attempts = 2;
  const PoolSummary s = run_local(tasks, o, r.hooks());
  ASSERT_EQ(r.attempts["hang"].size(), 2u) << "a timeout may pass: retried up to max_attempts";
  EXPECT_EQ(r.attempts["hang"][0].outcome, "timeout");
  EXPECT_EQ(r.retried["hang"], (std::vector<bool>{true, false}));
  EXPECT_EQ(s.failed, 1);
  const pid_t sleeper = std::stoi(read_file(pid_file));
  for (int i = 0; i < 100 && testing::process_alive(sleeper); ++i) ::usleep(20000);
  EXPECT_FALSE(testing::process_alive(sleeper)) << "the hanging task's own child was killed too";
}

TEST(Pool, ATaskThatAllocatesWithoutBoundIsKilledAtItsMemoryLimitAndNotRetried) {
  testing::ScratchDir dir("pool");
  // tail keeps the whole "line" in memory: /dev/zero has no newline.
  std::vector<PoolTask> tasks = {{"hog", "/usr/bin/tail", {"/dev/zero"}, dir.path() / "hog.log", {}}};
  Recorder r;
  PoolOptions o;
  o.memory_limit_bytes = int64_t(64) << 20;
  o.max_attempts = 3;
  o.poll_ms = 5;
  run_local(tasks, o, r.hooks());
  ASSERT_EQ(r.attempts["hog"].size(), 1u) << "oom is deterministic: no retry";
  EXPECT_EQ(r.attempts["hog"][0].outcome, "oom");
  EXPECT_GT(r.attempts["hog"][0].peak_resident_bytes, int64_t(64) << 20);
}

TEST(Pool, KilledTasksAreRetriedAndTheWorkersOwnFailuresAreNot) {
  testing::ScratchDir dir("pool");
  const fs::path marker = dir.path() / "tried";
  std::vector<PoolTask> tasks = {
      // Killed by SIGKILL on its first attempt, fine on its second.
      shell_task(dir.path(), "flaky", "if [ -e " + marker.string() + " ]; then exit 0; fi; touch " +
                                          marker.string() + "; kill -9 $$"),
      shell_task(dir.path(), "bad_config", "exit " + std::to_string(kRunFailedExitCode)),
      shell_task(dir.path(), "always_killed", "kill -9 $$"),
      shell_task(dir.path(), "crashes", "exit 1")};
  Recorder r;
  PoolOptions o;
  o.workers = 2;
  o.max_attempts = 3;
  const PoolSummary s = run_local(tasks, o, r.hooks());
  ASSERT_EQ(r.attempts["flaky"].size(), 2u);
  EXPECT_EQ(r.attempts["flaky"][0].outcome, "killed");
  EXPECT_EQ(r.attempts["flaky"][0].exit.signal, SIGKILL);
  EXPECT_EQ(r.attempts["flaky"][1].outcome, "done");
  EXPECT_EQ(r.attempts["flaky"][1].number, 2);
  ASSERT_EQ(r.attempts["bad_config"].size(), 1u) << "a deterministic failure is not retried";
  EXPECT_EQ(r.attempts["bad_config"][0].outcome, "failed");
  EXPECT_EQ(r.attempts["always_killed"].size(), 3u) << "retries stop at max_attempts";
  EXPECT_EQ(r.attempts["crashes"].size(), 3u);
  EXPECT_EQ(r.attempts["crashes"][0].outcome, "crashed");
  EXPECT_EQ(s.done, 1);
  EXPECT_EQ(s.failed, 3);
}

TEST(Pool, ClaimAndJudgeDecideForTheCaller) {
  testing::ScratchDir dir("pool");
  std::vector<PoolTask> tasks = {shell_task(dir.path(), "taken", "exit 0"),
                                 shell_task(dir.path(), "wrote_result_then_died", "kill -9 $$")};
  Recorder r;
  PoolHooks h = r.hooks();
  h.claim = [](const PoolTask& t, int) { return t.id != "taken"; };
  h.judge = [](const PoolTask&, const Attempt&) { return std::string("done"); };
  const PoolSummary s = run_local(tasks, PoolOptions{}, h);
  EXPECT_EQ(s.skipped, 1);
  EXPECT_EQ(r.attempts.count("taken"), 0u);
  EXPECT_EQ(r.attempts["wrote_result_then_died"][0].outcome, "done");
}

TEST(Pool, OneInterruptDrainsTwoStopTheRunningTasks) {
  testing::ScratchDir dir("pool");
  const InterruptGuard guard;
  std::vector<PoolTask> tasks = {shell_task(dir.path(), "a", "sleep 0.3"), shell_task(dir.path(), "b", "exit 0")};
  Recorder r;
  PoolHooks h = r.hooks();
  h.started = [](const PoolTask&, const std::string&) { ::raise(SIGINT); };  // Ctrl-C once, as "a" starts
  PoolSummary s = run_local(tasks, PoolOptions{}, h);
  EXPECT_TRUE(s.interrupted);
  EXPECT_EQ(r.attempts["a"][0].outcome, "done") << "the running task finishes";
  EXPECT_EQ(r.attempts.count("b"), 0u);
  EXPECT_EQ(s.not_started, 1);

  const InterruptGuard again;
  // A worker that checkpoints on SIGTERM and says so with its exit code.
  tasks = {shell_task(dir.path(), "c", "trap 'exit " + std::to_string(kInterruptedExitCode) +
                                           "' TERM; sleep 30 & wait")};
  h.started = [](const PoolTask&, const std::string&) { ::usleep(100000); ::raise(SIGINT); ::raise(SIGINT); };
  PoolOptions o;
  o.max_attempts = 3;
  s = run_local(tasks, o, h);
  ASSERT_EQ(r.attempts["c"].size(), 1u) << "interrupted runs are not retried: they resume later";
  EXPECT_EQ(r.attempts["c"][0].outcome, "interrupted");
  EXPECT_EQ(r.attempts["c"][0].exit.exit_code, kInterruptedExitCode);
  EXPECT_EQ(s.stopped, 1);
}

TEST(Pool, ExitsReadAsOutcomes) {
  EXPECT_EQ(outcome_of_exit({0, 0}), "done");
  EXPECT_EQ(outcome_of_exit({kRunFailedExitCode, 0}), "failed");
  EXPECT_EQ(outcome_of_exit({kInterruptedExitCode, 0}), "interrupted");
  EXPECT_EQ(outcome_of_exit({1, 0}), "crashed");
  EXPECT_EQ(outcome_of_exit({-1, SIGSEGV}), "killed");
  EXPECT_TRUE(outcome_may_pass("timeout"));
  EXPECT_TRUE(outcome_may_pass("stale"));
  EXPECT_FALSE(outcome_may_pass("oom"));
  EXPECT_FALSE(outcome_may_pass("failed"));
}

// A launcher whose jobs run for `polls` polls and then end with exit code 0.
class ScriptedLauncher : public Launcher {
 public:
  std::string backend() const override { return "scripted"; }
  int64_t capacity(int64_t) const override { return 100; }
  bool enforces_limits() const override { return true; }
  std::vector<std::string> start(const std::vector<JobRequest>& jobs) override {
    if (refuse) throw std::runtime_error("the queue is closed");
    std::vector<std::string> handles;
    for (const JobRequest& j : jobs) {
      handles.push_back("scripted:" + j.id);
      polls_left[handles.back()] = 2;
    }
    ++starts;
    return handles;
  }
  bool attach(const std::string& handle, const JobRequest&) override {
    polls_left[handle] = 2;
    return true;
  }
  std::map<std::string, JobStatus> poll(const std::vector<std::string>& handles) override {
    std::map<std::string, JobStatus> out;
    for (const std::string& h : handles) {
      out[h].phase = --polls_left[h] > 0 ? JobPhase::kRunning : JobPhase::kEnded;
      out[h].exit.exit_code = 0;
    }
    return out;
  }
  void cancel(const std::string&, bool) override {}
  void release(const std::string& handle) override { polls_left.erase(handle); }
  bool refuse = false;
  int starts = 0;
  std::map<std::string, int> polls_left;
};

TEST(Pool, AnAdoptedJobIsFollowedToItsEndWithoutBeingClaimedOrStartedAgain) {
  const std::vector<PoolTask> tasks = {{"adopted", "/bin/true", {}, "", {}}, {"fresh", "/bin/true", {}, "", {}}};
  std::vector<std::string> claimed;
  Recorder r;
  PoolHooks h = r.hooks();
  h.claim = [&](const PoolTask& t, int) {
    claimed.push_back(t.id);
    return true;
  };
  ScriptedLauncher launcher;
  const InterruptGuard guard;  // no Ctrl-C of an earlier test
  const PoolSummary s = run_pool(tasks, launcher, PoolOptions{}, h, {{"adopted", "scripted:adopted-earlier", 3}});
  EXPECT_EQ(s.done, 2);
  EXPECT_EQ(claimed, std::vector<std::string>{"fresh"});
  EXPECT_EQ(launcher.starts, 1);
  ASSERT_EQ(r.attempts["adopted"].size(), 1u);
  EXPECT_EQ(r.attempts["adopted"][0].number, 3);
  EXPECT_EQ(r.attempts["adopted"][0].handle, "scripted:adopted-earlier");
  EXPECT_EQ(r.attempts["fresh"][0].handle, "scripted:fresh");
}

TEST(Pool, JobsTheLauncherCannotStartFailWithItsReason) {
  const std::vector<PoolTask> tasks = {{"a", "/bin/true", {}, "", {}}, {"b", "/bin/true", {}, "", {}}};
  Recorder r;
  ScriptedLauncher launcher;
  launcher.refuse = true;
  PoolOptions o;
  o.max_attempts = 3;
  const InterruptGuard guard;
  const PoolSummary s = run_pool(tasks, launcher, o, r.hooks());
  EXPECT_EQ(s.failed, 2);
  ASSERT_EQ(r.attempts["a"].size(), 1u) << "a refused submission is not retried";
  EXPECT_EQ(r.attempts["a"][0].outcome, "failed");
  EXPECT_EQ(r.attempts["a"][0].detail, "could not start its job: the queue is closed");
}

}  // namespace
}  // namespace tb
