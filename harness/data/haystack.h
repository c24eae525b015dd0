// Filler text for long-context items and the placement of needles in it, following
// RULER's "noise" haystack (Hsieh et al. 2024, arXiv 2404.06654, scripts/data/synthetic):
// the same five sentences repeated, cut to the byte: with the byte tokenizer a haystack of n
// bytes is n tokens; long_context_in_tokens.h fits items to other tokenizers' tokens.
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
