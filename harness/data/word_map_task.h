// Letter-mapping tasks for continual sequences: each maps a lowercase word to a string by a
// fixed rule, written as a call in the pretraining mixture's style (its copy(w)=w items),
// so a base model knows the format but not the rule. Exact verifiers: the answer is one
// string. "sort_letters": sort(kxqa)= -> akqx; "caesar": shift(abz)= -> dec (each letter
// `shift` places on, wrapping); "uppercase": upper(kxqa)= -> KXQA.
#pragma once
#include <string>

#include "harness/data/task.h"

namespace tb {

enum class WordMap { kSortLetters, kCaesar, kUppercase };

// The answer of `word` under `map` (`shift` for the Caesar map).
std::string map_word(WordMap map, const std::string& word, int64_t shift);

class WordMapTask : public Task {
 public:
  WordMapTask(WordMap map, int64_t min_len, int64_t max_len, int64_t shift = 0)
      : map_(map), min_len_(min_len), max_len_(max_len), shift_(shift) {}
  TaskItem sample(Rng& rng) const override;

 private:
  WordMap map_;
  int64_t min_len_, max_len_, shift_;
};

}  // namespace tb
