#include "harness/data/word_map_task.h"

#include <algorithm>
#include <cctype>

#include "harness/data/reverse_task.h"

namespace tb {

std::string map_word(WordMap map, const std::string& word, int64_t shift) {
  std::string out = word;
  switch (map) {
    case WordMap::kSortLetters:
      std::sort(out.begin(), out.end());
      break;
    case WordMap::kCaesar:
      for (char& c : out) c = static_cast<char>('a' + (c - 'a' + shift) % 26);
      break;
    case WordMap::kUppercase:
      for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      break;
  }
  return out;
}

namespace {

std::string call_name(WordMap map) {
  switch (map) {
    case WordMap::kSortLetters:
      return "sort";
    case WordMap::kCaesar:
      return "shift";
    case WordMap::kUppercase:
      return "upper";
  }
  return "";
}

}  // namespace

TaskItem WordMapTask::sample(Rng& rng) const {
  const std::string word = ReverseTask::random_word(rng, min_len_, max_len_);
  const std::string prompt = call_name(map_) + "(" + word + ")=";
  return {prompt, prompt, map_word(map_, word, shift_)};
}

}  // namespace tb
