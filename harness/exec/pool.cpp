#include "harness/exec/pool.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "harness/exec/interrupt.h"
#include "harness/exec/worker.h"

namespace tb {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Slot {
  const PoolTask* task;
  int attempt;
  std::unique_ptr<ChildProcess> child;
  Clock::time_point started;
  int64_t peak = 0;
  std::string stopped_for;  // "timeout", "oom" or "interrupted" once we signalled it
  Clock::time_point signalled;
};

}  // namespace

bool outcome_may_pass(const std::string& outcome) {
  return outcome == "killed" || outcome == "crashed" || outcome == "timeout" || outcome == "stale";
}

std::string outcome_of_exit(const ChildExit& exit) {
  if (exit.signal != 0) return "killed";
  if (exit.exit_code == 0) return "done";
  if (exit.exit_code == kRunFailedExitCode) return "failed";
  if (exit.exit_code == kInterruptedExitCode) return "interrupted";
  return "crashed";
}

PoolSummary run_pool(const std::vector<PoolTask>& tasks, const PoolOptions& o, const PoolHooks& hooks) {
  PoolSummary summary;
  std::deque<std::pair<const PoolTask*, int>> queue;  // (task, attempt number)
  for (const auto& t : tasks) queue.emplace_back(&t, 1);
  std::vector<Slot> running;
  // Tasks of the pool not yet ended for good, and those that ended without success.
  std::map<std::string, int> unfinished;
  std::set<std::string> unsuccessful;
  for (const auto& t : tasks) ++unfinished[t.id];
  auto finish = [&](const PoolTask& t, bool success) {
    if (--unfinished[t.id] == 0) unfinished.erase(t.id);
    if (!success) unsuccessful.insert(t.id);
  };
  // The first queued task whose prerequisites have all ended; blocked ones leave the queue.
  auto next_ready = [&]() -> std::optional<std::pair<const PoolTask*, int>> {
    for (auto it = queue.begin(); it != queue.end();) {
      const PoolTask* t = it->first;
      const auto failed = std::find_if(t->after.begin(), t->after.end(),
                                       [&](const std::string& id) { return unsuccessful.count(id) > 0; });
      if (failed != t->after.end()) {
        const std::string failed_id = *failed;
        it = queue.erase(it);
        ++summary.failed;
        finish(*t, false);
        if (hooks.blocked) hooks.blocked(*t, failed_id);
        continue;
      }
      if (std::none_of(t->after.begin(), t->after.end(), [&](const std::string& id) { return unfinished.count(id) > 0; })) {
        const auto ready = *it;
        queue.erase(it);
        return ready;
      }
      ++it;
    }
    return std::nullopt;
  };
  const auto pool_start = Clock::now();
  auto last_heartbeat = pool_start;
  bool any_started = false;
  Clock::time_point first_start, last_end;

  auto running_tasks = [&] {
    std::vector<const PoolTask*> out;
    for (const auto& s : running) out.push_back(s.task);
    return out;
  };

  while (!queue.empty() || !running.empty()) {
    const int level = interrupt_level();
    // Start attempts while slots are free.
    while (level == 0 && int64_t(running.size()) < std::max<int64_t>(1, o.workers)) {
      const auto ready = next_ready();
      if (!ready) break;
      auto [task, attempt] = *ready;
      if (!hooks.claim(*task, attempt)) {
        ++summary.skipped;
        finish(*task, true);  // done meanwhile or run elsewhere: dependants ask the claim hook
        continue;
      }
      Slot slot{task, attempt, nullptr, Clock::now()};
      slot.child = std::make_unique<ChildProcess>(task->exe, task->args, task->log, task->env);
      if (!any_started) first_start = slot.started;
      any_started = true;
      if (hooks.started) hooks.started(*task, slot.child->pid());
      running.push_back(std::move(slot));
    }
    // Watch the running ones: limits, interrupts, exits.
    for (auto it = running.begin(); it != running.end();) {
      Slot& s = *it;
      const int64_t resident = s.child->resident_bytes();
      s.peak = std::max(s.peak, resident);
      if (s.stopped_for.empty()) {
        if (o.timeout_seconds > 0 && seconds_since(s.started) > o.timeout_seconds) {
          s.stopped_for = "timeout";
          s.child->signal_group(SIGKILL);
        } else if (o.memory_limit_bytes > 0 && resident > o.memory_limit_bytes) {
          s.stopped_for = "oom";
          s.child->signal_group(SIGKILL);
        } else if (level >= 2) {
          s.stopped_for = "interrupted";
          s.signalled = Clock::now();
          s.child->signal_group(SIGTERM);  // the worker checkpoints and exits
        }
      } else if (s.stopped_for == "interrupted" && seconds_since(s.signalled) > o.kill_grace_seconds) {
        s.child->signal_group(SIGKILL);
      }
      const auto exit = s.child->poll();
      if (!exit) {
        ++it;
        continue;
      }
      Attempt a;
      a.number = s.attempt;
      a.exit = *exit;
      a.seconds = seconds_since(s.started);
      a.peak_resident_bytes = s.peak;
      a.outcome = outcome_of_exit(*exit);
      if (!s.stopped_for.empty() && a.outcome != "done") a.outcome = s.stopped_for;
      if (hooks.judge) a.outcome = hooks.judge(*s.task, a);
      summary.busy_seconds += a.seconds;
      last_end = Clock::now();
      const bool retry = a.outcome != "done" && outcome_may_pass(a.outcome) && s.attempt < o.max_attempts &&
                         interrupt_level() == 0;
      if (retry) queue.emplace_back(s.task, s.attempt + 1);
      if (a.outcome == "done") {
        ++summary.done;
      } else if (a.outcome == "interrupted") {
        ++summary.stopped;
      } else if (!retry) {
        ++summary.failed;
      }
      if (!retry) finish(*s.task, a.outcome == "done");
      if (hooks.ended) hooks.ended(*s.task, a, retry);
      it = running.erase(it);
    }
    if (level > 0 && running.empty()) {
      summary.interrupted = true;
      summary.not_started = int64_t(queue.size());
      break;
    }
    if (hooks.tick) hooks.tick(running_tasks());
    if (hooks.heartbeat && seconds_since(last_heartbeat) >= o.heartbeat_seconds) {
      hooks.heartbeat(running_tasks());
      last_heartbeat = Clock::now();
    }
    if (!running.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(o.poll_ms));
  }
  if (interrupt_level() > 0) summary.interrupted = true;
  if (any_started) summary.wall_seconds = std::chrono::duration<double>(last_end - first_start).count();
  return summary;
}

}  // namespace tb
