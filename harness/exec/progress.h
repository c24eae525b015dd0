// The progress display of `tunebench run`, and the ETA that `tunebench status` shares.
// On a terminal one line redrawn in place:
//   [3/8] 2 running: lora rank=8 seed=0 120/400 0.412 | full_ft seed=1 80/400 0.520  ETA 1m40s
// otherwise one plain line per finished run and per message.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tb {

struct RunningView {
  std::string label;
  int64_t step = 0, steps = 0;
  std::optional<double> loss;
  double elapsed_seconds = 0;
};

// Seconds until a sweep ends: the running runs' remaining time plus `pending` runs of the
// mean run time, shared among `workers`. The mean run time comes from finished runs, or,
// before any has finished, from the running runs' step rates. NaN when nothing is known.
double estimate_eta(int64_t pending, const std::vector<RunningView>& running,
                    std::optional<double> mean_run_seconds, int64_t workers);

class Progress {
 public:
  Progress(int64_t total_runs, int64_t workers);
  // Redraws the line with the runs now running (terminal only).
  void show(const std::vector<RunningView>& running);
  // A run ended; `done` runs count towards the mean run time of the ETA.
  void finished(const std::string& label, const std::string& status, double seconds, bool done);
  void message(const std::string& text);  // a full line, above the progress line

 private:
  std::string eta_text() const;
  int64_t total_, workers_, finished_ = 0, timed_ = 0;
  double timed_seconds_ = 0;
  std::vector<RunningView> running_;
  bool tty_;
};

std::string format_duration(double seconds);

// "120/400 0.412": a running run's step and latest training loss.
std::string step_and_loss(int64_t step, int64_t steps, std::optional<double> loss);

}  // namespace tb
