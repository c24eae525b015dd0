#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <thread>

#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/common/terminal_text.h"
#include "harness/exec/interrupt.h"
#include "harness/exec/process_identity.h"
#include "harness/exec/progress.h"
#include "harness/store/store.h"

namespace tb::cli {

namespace {
const char* kHelp = R"(usage: tunebench status [--out DIR] [--sweep NAME] [--once]

Shows a sweep (default: the one started last): runs done / running / failed / pending, an
ETA, and for each running run its step, training loss, last heartbeat and job: for Slurm
the job id, its state (queued or running) and its wait in the queue. On a terminal
it redraws every second, with a progress bar, until nothing is running (Ctrl-C leaves);
when the output is not a terminal, or with --once, it prints the state once as plain
lines. It only reads the store: safe while a sweep runs.

  --out DIR     output folder of the sweep (default: results)
  --sweep NAME  the latest sweep with this name
  --once        print once even on a terminal

A run is shown as "stale?" when its coordinator is gone (same host) or sent no heartbeat
for 60 s; the next `tunebench run` of its spec marks it stale and runs it again.
)";

constexpr double kStaleAfterSeconds = 60;

// "  slurm job 12_3 running after 4s in the queue" / "  slurm job 12_4 queued for 1m2s".
std::string job_text(const RunRecord& r) {
  if (r.job.rfind("slurm:", 0) != 0) return r.job.empty() ? "" : "  job " + r.job;
  std::string text = "  slurm job " + r.job.substr(6) + " " + (r.job_state.empty() ? "submitted" : r.job_state);
  if (r.queue_seconds) text += (r.job_state == "queued" ? " for " : " after ") + format_duration(*r.queue_seconds) +
                               (r.job_state == "queued" ? "" : " in the queue");
  return text;
}

std::string bar(double fraction, int width) {
  const int filled = int(std::lround(std::clamp(fraction, 0.0, 1.0) * width));
  return "[" + std::string(size_t(filled), '#') + std::string(size_t(width - filled), '-') + "]";
}

// The state of the sweep as lines; `running` is set to the number of running runs.
std::vector<std::string> describe(Store& store, const std::string& sweep, bool tty, int64_t& running) {
  std::vector<RunRecord> runs;
  {
    const auto snapshot = store.snapshot();
    runs = store.runs(sweep);
  }
  std::map<std::string, int64_t> count, failed_kinds;
  double done_seconds = 0;
  int64_t timed = 0;
  std::vector<RunningView> views;
  std::vector<std::string> details;
  for (const auto& r : runs) {
    ++count[r.status];
    const std::string label = r.variant + " seed=" + std::to_string(r.seed);
    if (r.status == "done" && r.wall_seconds) {
      done_seconds += *r.wall_seconds;
      ++timed;
    } else if (r.status == "running") {
      views.push_back({label, r.progress_step, r.progress_steps, r.progress_loss, r.running_seconds.value_or(0)});
      const bool stale = r.owner.empty() || process_is_gone(r.owner) || r.heartbeat_age.value_or(1e9) > kStaleAfterSeconds;
      details.push_back("running  " + label + "  step " + step_and_loss(r.progress_step, r.progress_steps, r.progress_loss) +
                        "  attempt " + std::to_string(r.attempts) + job_text(r) + "  heartbeat " +
                        format_duration(r.heartbeat_age.value_or(NAN)) + " ago" +
                        (!stale ? ""
                         : r.job.rfind("slurm:", 0) == 0
                             ? "  its coordinator is gone; the Slurm job goes on: `tunebench run` again follows it"
                             : "  stale? (its coordinator is gone)"));
    } else if (r.status == "failed") {
      ++failed_kinds[r.failure_kind.empty() ? "failed" : r.failure_kind];
      details.push_back("failed   " + label + " (" + (r.failure_kind.empty() ? "failed" : r.failure_kind) +
                        "): " + r.failure_reason.substr(0, 160));
    } else if (r.status == "pending" && !r.failure_kind.empty()) {
      details.push_back("pending  " + label + " (last attempt " + r.failure_kind + ")");
    }
  }
  running = count["running"];
  const int64_t total = int64_t(runs.size());
  const double eta = estimate_eta(count["pending"], views,
                                  timed > 0 ? std::optional<double>(done_seconds / double(timed)) : std::nullopt,
                                  std::max<int64_t>(1, running));
  std::string head = "sweep " + sweep + ": " + std::to_string(count["done"]) + "/" + std::to_string(total) +
                     " done, " + std::to_string(count["running"]) + " running, " + std::to_string(count["failed"]) +
                     " failed";
  if (!failed_kinds.empty()) {
    std::string kinds;
    for (const auto& [kind, n] : failed_kinds) kinds += (kinds.empty() ? "" : ", ") + kind + " " + std::to_string(n);
    head += " (" + kinds + ")";
  }
  head += ", " + std::to_string(count["pending"]) + " pending";
  if (running > 0 || count["pending"] > 0) head += "  ETA " + format_duration(eta);
  std::vector<std::string> lines{head};
  if (tty && total > 0) {
    char pct[16];
    std::snprintf(pct, sizeof pct, " %3.0f%%", 100.0 * double(count["done"]) / double(total));
    lines.push_back(bar(double(count["done"]) / double(total), 40) + pct);
  }
  lines.insert(lines.end(), details.begin(), details.end());
  for (auto& line : lines) line = terminal_safe(line);  // names, labels and reasons from the store
  return lines;
}

}  // namespace

int status_command(const Args& given) {
  Args args = given;
  const bool once = take_switch(args, "--once");
  StoreQuery query;
  if (!parse_store_query(args, "status", kHelp, query)) return 0;
  const auto store = open_existing_store(query.out);
  const std::string sweep = store->resolve_sweep(query.sweep);  // the latest one when none is named
  const bool tty = ::isatty(STDOUT_FILENO) == 1;
  if (!tty || once) {
    int64_t running = 0;
    for (const auto& line : describe(*store, sweep, false, running)) std::cout << line << "\n";
    return 0;
  }
  const InterruptGuard interrupt_guard;  // Ctrl-C leaves the view
  while (!interrupt_requested()) {
    int64_t running = 0;
    const auto lines = describe(*store, sweep, true, running);
    std::cout << "\033[2J\033[H";
    for (const auto& line : lines) std::cout << line << "\n";
    std::cout << std::flush;
    if (running == 0) break;
    for (int i = 0; i < 10 && !interrupt_requested(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return 0;
}

}  // namespace tb::cli
