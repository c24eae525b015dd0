// The "reverse" task: "rev(kxqa)=" -> "aqxk".
#pragma once
#include "harness/data/task.h"

namespace tb {

class ReverseTask : public Task {
 public:
  ReverseTask(int64_t min_len, int64_t max_len) : min_len_(min_len), max_len_(max_len) {}
  TaskItem sample(Rng& rng) const override;
  static std::string random_word(Rng& rng, int64_t min_len, int64_t max_len);

 private:
  int64_t min_len_, max_len_;
};

}  // namespace tb
