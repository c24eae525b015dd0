#include "harness/exec/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "harness/common/terminal_text.h"

namespace tb {

std::string format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const int64_t t = int64_t(std::llround(s));
  char buf[32];
  if (t >= 3600) {
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", long(t / 3600), long(t / 60 % 60));
  } else if (t >= 60) {
    std::snprintf(buf, sizeof buf, "%ldm%02lds", long(t / 60), long(t % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lds", long(t));
  }
  return buf;
}

std::string step_and_loss(int64_t step, int64_t steps, std::optional<double> loss) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%ld/%ld", long(step), long(steps));
  std::string out = buf;
  if (loss) {
    std::snprintf(buf, sizeof buf, " %.3f", *loss);
    out += buf;
  }
  return out;
}

double estimate_eta(int64_t pending, const std::vector<RunningView>& running, std::optional<double> mean,
                    int64_t workers) {
  if (!mean) {  // no run finished yet: extrapolate the running runs' step rates
    double sum = 0;
    int64_t n = 0;
    for (const auto& r : running) {
      if (r.step > 0 && r.steps > 0) {
        sum += r.elapsed_seconds * double(r.steps) / double(r.step);
        ++n;
      }
    }
    if (n > 0) mean = sum / double(n);
  }
  if (!mean) return running.empty() && pending == 0 ? 0.0 : NAN;
  double work = double(pending) * *mean, longest = 0;
  for (const auto& r : running) {
    const double left = std::max(0.0, *mean - r.elapsed_seconds);
    work += left;
    longest = std::max(longest, left);
  }
  return std::max(longest, work / double(std::max<int64_t>(1, workers)));
}

Progress::Progress(int64_t total, int64_t workers)
    : total_(total), workers_(workers), tty_(::isatty(STDERR_FILENO) == 1) {}

std::string Progress::eta_text() const {
  const int64_t pending = std::max<int64_t>(0, total_ - finished_ - int64_t(running_.size()));
  return format_duration(estimate_eta(pending, running_,
                                      timed_ > 0 ? std::optional<double>(timed_seconds_ / double(timed_)) : std::nullopt,
                                      workers_));
}

void Progress::show(const std::vector<RunningView>& running) {
  running_ = running;
  if (!tty_) return;
  std::string line = "[" + std::to_string(finished_) + "/" + std::to_string(total_) + "] " +
                     std::to_string(running.size()) + " running";
  for (size_t i = 0; i < running.size(); ++i) {
    line += (i == 0 ? ": " : " | ") + terminal_safe(running[i].label) + " " +
            step_and_loss(running[i].step, running[i].steps, running[i].loss);
  }
  const std::string eta = "  ETA " + eta_text();
  winsize ws{};
  const size_t width = ::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 ? ws.ws_col - 1 : 119;
  if (line.size() + eta.size() > width) line = line.substr(0, width > eta.size() + 3 ? width - eta.size() - 3 : 0) + "...";
  std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), eta.c_str());
  std::fflush(stderr);
}

void Progress::finished(const std::string& label, const std::string& status, double seconds, bool done) {
  ++finished_;
  if (done) {
    ++timed_;
    timed_seconds_ += seconds;
  }
  running_.erase(std::remove_if(running_.begin(), running_.end(), [&](const RunningView& r) { return r.label == label; }),
                 running_.end());
  message("[" + std::to_string(finished_) + "/" + std::to_string(total_) + "] " + label + ": " + status + " in " +
          format_duration(seconds) + (finished_ < total_ ? ", ETA " + eta_text() : ""));
}

void Progress::message(const std::string& text) {
  if (tty_) std::fprintf(stderr, "\r\033[K");
  std::fprintf(stderr, "%s\n", terminal_safe(text, true).c_str());  // labels and failure reasons
  std::fflush(stderr);
  if (tty_ && !running_.empty()) show(running_);
}

}  // namespace tb
