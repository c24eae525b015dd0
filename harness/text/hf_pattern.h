// The `pattern` of tokenizer.json's Split pre-tokenizer and Replace normalizer/decoder:
// {"String": "literal"} or {"Regex": "<Oniguruma pattern>"} (Hugging Face tokenizers
// pre_tokenizers/split.rs, normalizers/replace.rs), and the search for its matches
// (tokenizer/pattern.rs find_matches).
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/text/hf_json_reader.h"
#include "harness/text/pcre2_regex.h"

namespace tb {

struct ByteRange {
  size_t begin;
  size_t end;
};

class HfPattern {
 public:
  // Refuses (UserError) an empty literal and a regex that can match the empty string: Hugging
  // Face gives those special meanings we do not reproduce.
  static HfPattern from_json(const JsonAt& pattern);
  static HfPattern literal(std::string text);
  static HfPattern regex(const std::string& oniguruma_pattern);  // throws std::invalid_argument

  // Appends the non-overlapping matches in `text`, left to right (each non-empty).
  void find_all(std::string_view text, std::vector<ByteRange>& matches) const;

 private:
  std::string literal_;
  std::shared_ptr<const Pcre2Regex> regex_;
};

}  // namespace tb
