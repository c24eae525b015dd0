// Held-out text from a file, as the forgetting suite measures it when the base model did not
// learn the synthetic mixture: a JSON Lines file (".jsonl": one {"text": ...} document per
// line) or plain text (the whole file one document). Documents are encoded as BOS text EOS,
// concatenated in file order, and cut into consecutive rows of seq_len + 1 tokens (the
// usual way language-model evaluation packs text), the first `rows` of them.
#pragma once
#include <cstdint>
#include <filesystem>
#include <vector>

#include "harness/text/tokenizer.h"

namespace tb {

// `rows` rows of `seq_len` + 1 token ids. UserError naming the file when it is unreadable,
// a line is not {"text": string}, or there are too few tokens.
std::vector<std::vector<int64_t>> heldout_text_rows(const std::filesystem::path& file, const Tokenizer& tok,
                                                   int64_t rows, int64_t seq_len);

}  // namespace tb
