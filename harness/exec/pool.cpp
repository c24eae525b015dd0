#include "harness/exec/pool.h"

#include <algorithm>
#include <chrono>
#include <deque>
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
  std::string handle;
  std::optional<Clock::time_point> running_since;  // once its job runs
  int64_t peak = 0;
  std::string stopped_for;  // "timeout", "oom" or "interrupted" once we asked it to stop
  Clock::time_point signalled;
  bool killed = false;  // forced after the grace period
  std::vector<std::string> gpus;  // handed to its job, given back when it ends
};

const JobRequest& request_of(const PoolTask& t) { return t; }

// One run of the pool: the queue, the started jobs, and the steps of its loop.
class PoolRun {
 public:
  PoolRun(const std::vector<PoolTask>& tasks, Launcher& launcher, const PoolOptions& o, const PoolHooks& hooks)
      : launcher_(launcher), o_(o), hooks_(hooks), free_gpus_(o.gpu_ids.begin(), o.gpu_ids.end()) {
    for (const auto& t : tasks) {
      queue_.emplace_back(&t, 1);
      ++unfinished_[t.id];
      by_id_[t.id] = &t;
    }
  }

  void adopt(const std::vector<AdoptedJob>& adopted) {
    for (const AdoptedJob& a : adopted) {
      const auto task = by_id_.find(a.task_id);
      if (task == by_id_.end() || !launcher_.attach(a.handle, request_of(*task->second))) continue;
      queue_.erase(std::remove_if(queue_.begin(), queue_.end(), [&](const auto& q) { return q.first == task->second; }),
                   queue_.end());
      running_.push_back({task->second, a.attempt, a.handle});
      mark_started();
    }
  }

  PoolSummary run() {
    while (!queue_.empty() || !running_.empty()) {
      const int level = interrupt_level();
      if (level == 0) start_ready();
      watch(level);
      if (level > 0 && running_.empty()) {
        summary_.interrupted = true;
        summary_.not_started = int64_t(queue_.size());
        break;
      }
      if (hooks_.tick) hooks_.tick(running_tasks());
      if (hooks_.heartbeat && seconds_since(last_heartbeat_) >= o_.heartbeat_seconds) {
        hooks_.heartbeat(running_tasks());
        last_heartbeat_ = Clock::now();
      }
      if (!running_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(o_.poll_ms));
    }
    if (interrupt_level() > 0) summary_.interrupted = true;
    if (any_started_) summary_.wall_seconds = std::chrono::duration<double>(last_end_ - first_start_).count();
    return summary_;
  }

 private:
  void finish(const PoolTask& t, bool success) {
    if (--unfinished_[t.id] == 0) unfinished_.erase(t.id);
    if (!success) unsuccessful_.insert(t.id);
  }

  void mark_started() {
    if (!any_started_) first_start_ = Clock::now();
    any_started_ = true;
  }

  // The first queued task whose prerequisites have all ended; blocked ones leave the queue.
  std::optional<std::pair<const PoolTask*, int>> next_ready() {
    for (auto it = queue_.begin(); it != queue_.end();) {
      const PoolTask* t = it->first;
      const auto failed = std::find_if(t->after.begin(), t->after.end(),
                                       [&](const std::string& id) { return unsuccessful_.count(id) > 0; });
      if (failed != t->after.end()) {
        const std::string failed_id = *failed;
        it = queue_.erase(it);
        ++summary_.failed;
        finish(*t, false);
        if (hooks_.blocked) hooks_.blocked(*t, failed_id);
        continue;
      }
      if (std::none_of(t->after.begin(), t->after.end(), [&](const std::string& id) { return unfinished_.count(id) > 0; })) {
        const auto ready = *it;
        queue_.erase(it);
        return ready;
      }
      ++it;
    }
    return std::nullopt;
  }

  // Claims the ready tasks that fit in the launcher's capacity and starts them together
  // (one Slurm job array).
  void start_ready() {
    std::vector<std::pair<const PoolTask*, int>> batch;
    std::vector<std::vector<std::string>> batch_gpus;
    const int64_t capacity = launcher_.capacity(o_.workers);
    while (int64_t(running_.size() + batch.size()) < capacity) {
      const auto ready = next_ready();
      if (!ready) break;
      const int64_t gpus = o_.gpu_ids.empty() ? 0 : ready->first->gpus;
      if (gpus > int64_t(o_.gpu_ids.size())) {
        refused(*ready->first, ready->second, "it needs " + std::to_string(gpus) + " GPUs and this machine has " +
                                                  std::to_string(o_.gpu_ids.size()));
        continue;
      }
      if (gpus > int64_t(free_gpus_.size())) {  // waits, first in the queue, for GPUs to be given back
        queue_.push_front(*ready);
        break;
      }
      if (!hooks_.claim(*ready->first, ready->second)) {
        ++summary_.skipped;
        finish(*ready->first, true);  // done meanwhile or run elsewhere: dependants ask the claim hook
        continue;
      }
      batch.push_back(*ready);
      batch_gpus.emplace_back(take_gpus(gpus));
    }
    if (batch.empty()) return;
    std::vector<JobRequest> requests;
    for (size_t i = 0; i < batch.size(); ++i) requests.push_back(with_gpus(request_of(*batch[i].first), batch_gpus[i]));
    std::vector<std::string> handles;
    try {
      handles = launcher_.start(requests);
    } catch (const std::exception& e) {
      for (auto& gpus : batch_gpus) give_back(gpus);
      for (const auto& [task, attempt] : batch) refused(*task, attempt, e.what());
      return;
    }
    mark_started();
    for (size_t i = 0; i < batch.size(); ++i) {
      running_.push_back({batch[i].first, batch[i].second, handles[i]});
      running_.back().gpus = batch_gpus[i];
      if (hooks_.started) hooks_.started(*batch[i].first, handles[i]);
    }
  }

  std::vector<std::string> take_gpus(int64_t count) {
    std::vector<std::string> taken(free_gpus_.begin(), free_gpus_.begin() + count);
    free_gpus_.erase(free_gpus_.begin(), free_gpus_.begin() + count);
    return taken;
  }

  void give_back(const std::vector<std::string>& gpus) {
    free_gpus_.insert(free_gpus_.end(), gpus.begin(), gpus.end());
    std::sort(free_gpus_.begin(), free_gpus_.end(), [&](const std::string& a, const std::string& b) {
      return gpu_rank(a) < gpu_rank(b);  // the machine's order, so assignments are predictable
    });
  }

  size_t gpu_rank(const std::string& id) const {
    return size_t(std::find(o_.gpu_ids.begin(), o_.gpu_ids.end(), id) - o_.gpu_ids.begin());
  }

  static JobRequest with_gpus(JobRequest request, const std::vector<std::string>& gpus) {
    if (gpus.empty()) return request;
    std::string list;
    for (const std::string& id : gpus) list += (list.empty() ? "" : ",") + id;
    request.env["CUDA_VISIBLE_DEVICES"] = list;
    return request;
  }

  // A task whose job the launcher could not start: its attempt fails for good.
  void refused(const PoolTask& task, int attempt, const std::string& why) {
    Attempt a;
    a.number = attempt;
    a.outcome = "failed";
    a.detail = "could not start its job: " + why;
    ++summary_.failed;
    finish(task, false);
    if (hooks_.ended) hooks_.ended(task, a, false);
  }

  // Stops a job past its limits (where the launcher does not enforce them) or interrupted.
  void enforce(Slot& s, const JobStatus& status, int level) {
    if (!s.stopped_for.empty()) {
      if (s.stopped_for == "interrupted" && !s.killed && seconds_since(s.signalled) > o_.kill_grace_seconds) {
        launcher_.cancel(s.handle, true);
        s.killed = true;
      }
      return;
    }
    const bool running = s.running_since.has_value();
    const bool enforce_here = !launcher_.enforces_limits() && s.task->limited;
    if (enforce_here && running && o_.timeout_seconds > 0 &&
        seconds_since(*s.running_since) > o_.timeout_seconds) {
      s.stopped_for = "timeout";
      launcher_.cancel(s.handle, true);
    } else if (enforce_here && o_.memory_limit_bytes > 0 && status.resident_bytes > o_.memory_limit_bytes) {
      s.stopped_for = "oom";
      launcher_.cancel(s.handle, true);
    } else if (level >= 2) {
      s.stopped_for = "interrupted";
      s.signalled = Clock::now();
      launcher_.cancel(s.handle, false);  // the worker checkpoints and exits
    }
  }

  // Polls every started job: limits, interrupts, starts of running, ends.
  void watch(int level) {
    std::vector<std::string> handles;
    for (const Slot& s : running_) handles.push_back(s.handle);
    const auto statuses = launcher_.poll(handles);
    for (auto it = running_.begin(); it != running_.end();) {
      Slot& s = *it;
      const auto found = statuses.find(s.handle);
      const JobStatus status = found == statuses.end() ? JobStatus{} : found->second;
      if (status.phase != JobPhase::kQueued && !s.running_since) {
        s.running_since = Clock::now();
        if (hooks_.running) hooks_.running(*s.task, s.handle);
      }
      s.peak = std::max(s.peak, status.resident_bytes);
      enforce(s, status, level);
      if (status.phase != JobPhase::kEnded) {
        ++it;
        continue;
      }
      end(s, status);
      it = running_.erase(it);
    }
  }

  Attempt attempt_of(const Slot& s, const JobStatus& status) const {
    Attempt a;
    a.number = s.attempt;
    a.exit = status.exit;
    a.seconds = s.running_since ? seconds_since(*s.running_since) : 0;
    a.peak_resident_bytes = s.peak;
    a.handle = s.handle;
    a.scheduler_state = status.scheduler_state;
    a.outcome = status.outcome.empty() ? outcome_of_exit(status.exit) : status.outcome;
    if (!s.stopped_for.empty() && a.outcome != "done") a.outcome = s.stopped_for;
    return a;
  }

  void end(const Slot& s, const JobStatus& status) {
    Attempt a = attempt_of(s, status);
    launcher_.release(s.handle);
    give_back(s.gpus);
    if (hooks_.judge) a.outcome = hooks_.judge(*s.task, a);
    summary_.busy_seconds += a.seconds;
    last_end_ = Clock::now();
    const bool retry = a.outcome != "done" && outcome_may_pass(a.outcome) && s.attempt < o_.max_attempts &&
                       interrupt_level() == 0;
    if (retry) queue_.emplace_back(s.task, s.attempt + 1);
    if (a.outcome == "done") {
      ++summary_.done;
    } else if (a.outcome == "interrupted") {
      ++summary_.stopped;
    } else if (!retry) {
      ++summary_.failed;
    }
    if (!retry) finish(*s.task, a.outcome == "done");
    if (hooks_.ended) hooks_.ended(*s.task, a, retry);
  }

  std::vector<const PoolTask*> running_tasks() const {
    std::vector<const PoolTask*> out;
    for (const auto& s : running_) out.push_back(s.task);
    return out;
  }

  Launcher& launcher_;
  const PoolOptions& o_;
  const PoolHooks& hooks_;
  PoolSummary summary_;
  std::deque<std::pair<const PoolTask*, int>> queue_;  // (task, attempt number)
  std::vector<Slot> running_;                          // started and not ended
  std::map<std::string, const PoolTask*> by_id_;
  // Tasks of the pool not yet ended for good, and those that ended without success.
  std::map<std::string, int> unfinished_;
  std::set<std::string> unsuccessful_;
  std::vector<std::string> free_gpus_;  // of o_.gpu_ids, not handed to a running job
  Clock::time_point last_heartbeat_ = Clock::now();
  bool any_started_ = false;
  Clock::time_point first_start_, last_end_;
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

PoolSummary run_pool(const std::vector<PoolTask>& tasks, Launcher& launcher, const PoolOptions& options,
                     const PoolHooks& hooks, const std::vector<AdoptedJob>& adopted) {
  PoolRun run(tasks, launcher, options, hooks);
  run.adopt(adopted);
  return run.run();
}

}  // namespace tb
