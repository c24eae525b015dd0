// The progress line of `tunebench run`: on a terminal one line redrawn in place
// ("[2/8] lora rank=8 seed=1  step 120/300  loss 0.412  ETA 1m40s"); otherwise one plain
// line per finished run.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace tb {

class Progress {
 public:
  explicit Progress(int64_t total_runs);
  void start_run(const std::string& label, int64_t total_steps);
  void update(int64_t step, double loss);  // from the running run's metrics
  void finish_run(const std::string& status, double seconds);
  void message(const std::string& text);  // a full line, above the progress line

 private:
  void draw();
  std::string eta_text() const;
  int64_t total_, finished_ = 0, timed_ = 0;
  double timed_seconds_ = 0;
  std::string label_;
  int64_t step_ = 0, total_steps_ = 0;
  double loss_ = 0;
  bool tty_;
  std::chrono::steady_clock::time_point run_start_;
};

std::string format_duration(double seconds);

}  // namespace tb
