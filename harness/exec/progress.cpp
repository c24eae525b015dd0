#include "harness/exec/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

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

Progress::Progress(int64_t total) : total_(total), tty_(::isatty(STDERR_FILENO) == 1) {}

void Progress::start_run(const std::string& label, int64_t total_steps) {
  label_ = label;
  total_steps_ = total_steps;
  step_ = 0;
  run_start_ = std::chrono::steady_clock::now();
  draw();
}

void Progress::update(int64_t step, double loss) {
  step_ = step;
  loss_ = loss;
  draw();
}

std::string Progress::eta_text() const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start_).count();
  double per_run = timed_ > 0 ? timed_seconds_ / double(timed_) : NAN;
  if (total_steps_ > 0 && step_ > 0 && std::isnan(per_run)) per_run = elapsed * double(total_steps_) / double(step_);
  const double current_left = std::isnan(per_run) ? NAN : std::max(0.0, per_run - elapsed);
  return format_duration(current_left + per_run * double(total_ - finished_ - 1));
}

void Progress::draw() {
  if (!tty_) return;
  std::fprintf(stderr, "\r\033[K[%ld/%ld] %s  step %ld/%ld  loss %.3f  ETA %s", long(finished_ + 1), long(total_),
               label_.c_str(), long(step_), long(total_steps_), loss_, eta_text().c_str());
  std::fflush(stderr);
}

void Progress::finish_run(const std::string& status, double seconds) {
  ++finished_;
  if (status == "done") {
    ++timed_;
    timed_seconds_ += seconds;
  }
  run_start_ = std::chrono::steady_clock::now();  // the ETA now counts whole runs left
  step_ = 0;
  message("[" + std::to_string(finished_) + "/" + std::to_string(total_) + "] " + label_ + ": " + status + " in " +
          format_duration(seconds) + (finished_ < total_ ? ", ETA " + eta_text() : ""));
}

void Progress::message(const std::string& text) {
  if (tty_) std::fprintf(stderr, "\r\033[K");
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
}

}  // namespace tb
