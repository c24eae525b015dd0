// tokenizer.json normalizers (Hugging Face tokenizers src/normalizers/): rewrite each text
// piece between added tokens before pre-tokenization. Supported: Sequence, NFC, NFD, NFKC,
// NFKD, Prepend, Replace, Strip; anything else is refused when the file is loaded.
#pragma once
#include <memory>
#include <string>

#include "harness/text/hf_json_reader.h"

namespace tb {

class HfNormalizer {
 public:
  virtual ~HfNormalizer() = default;
  virtual void normalize(std::string& text) const = 0;
};

// nullptr for a null normalizer. Throws UserError for what is not supported.
std::unique_ptr<HfNormalizer> make_hf_normalizer(const JsonAt& config);

}  // namespace tb
