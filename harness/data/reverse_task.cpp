#include "harness/data/reverse_task.h"

#include <algorithm>

namespace tb {

std::string ReverseTask::random_word(Rng& rng, int64_t min_len, int64_t max_len) {
  const int64_t len = rng.between(min_len, max_len);
  std::string w;
  for (int64_t i = 0; i < len; ++i) w.push_back(static_cast<char>('a' + rng.below(26)));
  return w;
}

TaskItem ReverseTask::sample(Rng& rng) const {
  std::string word = random_word(rng, min_len_, max_len_);
  std::string reversed(word.rbegin(), word.rend());
  std::string prompt = "rev(" + word + ")=";
  return {prompt, prompt, reversed};
}

}  // namespace tb
