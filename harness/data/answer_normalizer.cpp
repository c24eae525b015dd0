#include "harness/data/answer_normalizer.h"

#include <cctype>
#include <sstream>

#include "harness/common/strings.h"
#include "harness/data/gsm8k.h"

namespace tb {
namespace {

const std::vector<std::string> kNames = {"exact", "strip", "lower_strip", "squad", "gsm8k", "gsm8k_flexible"};

// SQuAD: remove_punc, then remove_articles (\b(a|an|the)\b -> " "), then white_space_fix.
std::string squad(const std::string& text) {
  std::string no_punct;
  for (char c : ascii_lowercase(text)) {
    if (!std::ispunct(static_cast<unsigned char>(c))) no_punct.push_back(c);
  }
  std::istringstream words(no_punct);  // splitting on whitespace also drops the articles' gaps
  std::string word, out;
  while (words >> word) {
    if (word == "a" || word == "an" || word == "the") continue;
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& answer_normalizer_names() { return kNames; }

std::optional<AnswerNormalizer> parse_answer_normalizer(const std::string& name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return AnswerNormalizer(i);
  }
  return std::nullopt;
}

std::string normalize_answer(AnswerNormalizer normalizer, const std::string& text) {
  switch (normalizer) {
    case AnswerNormalizer::kExact:
      return text;
    case AnswerNormalizer::kStrip:
      return trim(text);
    case AnswerNormalizer::kLowerStrip:
      return ascii_lowercase(trim(text));
    case AnswerNormalizer::kSquad:
      return squad(text);
    case AnswerNormalizer::kGsm8k:
    case AnswerNormalizer::kGsm8kFlexible:
      return gsm8k_normalize(text);
  }
  return text;
}

double answer_match(AnswerNormalizer normalizer, const std::string& output, const std::string& gold) {
  if (normalizer == AnswerNormalizer::kGsm8k) return gsm8k_match(gsm8k_strict_extract(output), gold) ? 1.0 : 0.0;
  if (normalizer == AnswerNormalizer::kGsm8kFlexible)
    return gsm8k_match(gsm8k_flexible_extract(output), gold) ? 1.0 : 0.0;
  return normalize_answer(normalizer, output) == normalize_answer(normalizer, gold) ? 1.0 : 0.0;
}

}  // namespace tb
