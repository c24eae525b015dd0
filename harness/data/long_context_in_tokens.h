// Long-context items built to a length in the tokens of any tokenizer. The generators in
// long_context_items.h lay an item out to a length in bytes; here the byte length is
// searched so that BOS + prompt, encoded with the run's tokenizer, comes to the requested
// token count: the largest byte length whose item is not longer than asked (in practice
// exactly as long, or one token shorter where one more byte adds two tokens; kv_retrieval,
// whose JSON object grows in whole key-value pairs and runs of padding spaces that real
// tokenizers merge, comes up to one pair (~13 tokens) or 10% short). The gold needle stays at its relative depth. With the byte tokenizer the first
// probe is exact, so items are the same as the byte-length generators give.
#pragma once
#include "harness/data/long_context_items.h"
#include "harness/text/tokenizer.h"

namespace tb {

// BOS + prompt tokens of an item.
int64_t prompt_tokens(const Tokenizer& tok, const std::string& prompt);

// The shortest item of `task` in tokens.
int64_t long_context_min_tokens(LongContextTask task, const LongContextShape& shape, const Tokenizer& tok);

// A bound on the gold answer's tokens (EOS excluded): the byte tokenizer's exact count; for
// other tokenizers one more, since each byte is at most one token and a SentencePiece
// tokenizer may add a word-start token.
int64_t long_context_answer_token_bound(LongContextTask task, const LongContextShape& shape,
                                        const Tokenizer& tok);

// An item whose BOS + prompt is `tokens` tokens long (or one shorter, see above), its gold
// needle at `depth`. `tokens` must be >= long_context_min_tokens.
LongContextItem make_long_context_item_in_tokens(LongContextTask task, const LongContextShape& shape,
                                                 int64_t tokens, double depth, Rng& rng, Split split,
                                                 const Tokenizer& tok);

}  // namespace tb
