// Filler text for long-context items and the placement of needles in it, following
// RULER's "noise" haystack (Hsieh et al. 2024, arXiv 2404.06654, scripts/data/synthetic):
// the same five sentences repeated. The tokenizer is byte-level, so a haystack of n bytes
// is exactly n tokens, and every item can be built to an exact length.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace tb {

// RULER's noise sentences, repeated and cut to exactly `bytes` bytes.
std::string noise_haystack(int64_t bytes);

// Byte offset in `haystack` where a needle at relative depth `depth` in [0, 1] goes: the
// start of the sentence containing depth * size (the end of the haystack for depth 1).
size_t depth_offset(std::string_view haystack, double depth);

// The start of the sentence that contains `offset` (0 when none starts before it).
size_t sentence_start_at_or_before(std::string_view haystack, size_t offset);

}  // namespace tb
