// tokenizer.json pre-tokenizers (Hugging Face tokenizers src/pre_tokenizers/): cut a normalized
// text piece into the pieces that the model tokenizes one by one. Supported: Split, ByteLevel,
// Metaspace, Sequence; anything else is refused when the file is loaded.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "harness/text/hf_json_reader.h"

namespace tb {

// Pieces of one text: byte ranges of `text`, in order, non-empty, not overlapping. A step may
// rewrite `text` (ByteLevel spells bytes in its alphabet) and renumber the ranges.
struct PreTokenPieces {
  struct Piece {
    size_t begin;
    size_t end;
    // Whether the piece starts where the whole input starts: Metaspace's prepend_scheme
    // "first" (Hugging Face: offsets_original().0 == 0).
    bool at_input_start;
  };
  std::string text;
  std::vector<Piece> pieces;
};

class HfPreTokenizer {
 public:
  virtual ~HfPreTokenizer() = default;
  virtual void pre_tokenize(PreTokenPieces& pieces) const = 0;
};

// nullptr for a null pre-tokenizer. Throws UserError for what is not supported.
std::unique_ptr<HfPreTokenizer> make_hf_pre_tokenizer(const JsonAt& config);

}  // namespace tb
