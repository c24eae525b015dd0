#include "harness/data/long_context_in_tokens.h"

#include "harness/common/check.h"
#include "harness/text/byte_tokenizer.h"

namespace tb {
namespace {

bool counts_bytes(const Tokenizer& tok) { return dynamic_cast<const ByteTokenizer*>(&tok) != nullptr; }

// The item of byte length `bytes`, drawn from a copy of `start` (returned in `rng`).
LongContextItem build(LongContextTask task, const LongContextShape& shape, int64_t bytes, double depth,
                      const Rng& start, Split split, Rng& rng) {
  rng = start;
  return make_long_context_item(task, shape, bytes, depth, rng, split);
}

}  // namespace

int64_t prompt_tokens(const Tokenizer& tok, const std::string& prompt) {
  return int64_t(tok.encode_with_bos(prompt).size());
}

int64_t long_context_min_tokens(LongContextTask task, const LongContextShape& shape, const Tokenizer& tok) {
  const int64_t bytes = long_context_min_length(task, shape);
  if (counts_bytes(tok)) return bytes;
  // Draws differ in how their digits and letters tokenize: the longest of several, and room.
  int64_t longest = 0;
  for (uint64_t seed = 0; seed < 16; ++seed) {
    Rng rng(seed);
    const auto item = make_long_context_item(task, shape, bytes, double(seed % 5) / 4, rng, Split::kHeldOut);
    longest = std::max(longest, prompt_tokens(tok, item.prompt));
  }
  return longest + 2;
}

int64_t long_context_answer_token_bound(LongContextTask task, const LongContextShape& shape,
                                        const Tokenizer& tok) {
  const int64_t bytes = long_context_max_answer_tokens(task, shape);
  return counts_bytes(tok) ? bytes : bytes + 1;
}

// Bisection over byte lengths: `lo` always gives an item of at most `tokens` tokens, `hi`
// one of more. Token counts grow with the byte length (needle placement may move them by a
// token either way, which the bisection tolerates).
LongContextItem make_long_context_item_in_tokens(LongContextTask task, const LongContextShape& shape,
                                                 int64_t tokens, double depth, Rng& rng, Split split,
                                                 const Tokenizer& tok) {
  const Rng start = rng;
  int64_t lo = long_context_min_length(task, shape);
  TB_CHECK(tokens >= long_context_min_tokens(task, shape, tok), "length checked against the minimum");
  LongContextItem item = build(task, shape, std::max(lo, tokens), depth, start, split, rng);
  int64_t measured = prompt_tokens(tok, item.prompt);
  if (measured == tokens) return item;  // the byte tokenizer, always
  int64_t hi = 0;
  if (measured < tokens) {
    lo = std::max(lo, tokens);
    hi = lo * 2;  // tokens span a byte or more each: double until the item is too long
    while (prompt_tokens(tok, build(task, shape, hi, depth, start, split, rng).prompt) <= tokens) {
      lo = hi;
      hi *= 2;
    }
  } else {
    hi = std::max(lo, tokens);
  }
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    (prompt_tokens(tok, build(task, shape, mid, depth, start, split, rng).prompt) <= tokens ? lo : hi) = mid;
  }
  return build(task, shape, lo, depth, start, split, rng);
}

}  // namespace tb
