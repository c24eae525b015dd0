// How an output is compared with the gold answer for exact match:
// - "exact": byte for byte (lm-evaluation-harness's exact_match without options);
// - "strip": leading and trailing whitespace ignored;
// - "lower_strip": and ASCII case ignored;
// - "squad": SQuAD v1.1's normalize_answer (evaluate-v1.1.py): lower case, ASCII
//   punctuation removed, the articles a/an/the removed, runs of whitespace made one space;
// - "gsm8k": lm-evaluation-harness's gsm8k "strict-match": the number after the output's
//   "#### " against the gold answer's, after gsm8k_normalize (harness/data/gsm8k.h);
// - "gsm8k_flexible": its "flexible-extract": the output's last number instead.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace tb {

enum class AnswerNormalizer { kExact, kStrip, kLowerStrip, kSquad, kGsm8k, kGsm8kFlexible };

const std::vector<std::string>& answer_normalizer_names();
std::optional<AnswerNormalizer> parse_answer_normalizer(const std::string& name);

// The normalised text (for the gsm8k rules: gsm8k_normalize of the whole text).
std::string normalize_answer(AnswerNormalizer normalizer, const std::string& text);

// 1 when the normalised output equals the normalised gold answer, else 0.
double answer_match(AnswerNormalizer normalizer, const std::string& output, const std::string& gold);

}  // namespace tb
