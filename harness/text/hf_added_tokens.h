// tokenizer.json "added_tokens" (special tokens such as <|eot_id|> and other added words) and
// how Hugging Face tokenizers finds them in a text (tokenizer/added_vocabulary.rs): tokens with
// normalized=false are matched in the raw text, the others in each normalized piece, leftmost
// first and longest at one position, with the single_word, lstrip and rstrip rules.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "harness/text/hf_json_reader.h"

namespace tb {

class BpeModel;
class HfNormalizer;

struct HfAddedToken {
  int64_t id = 0;
  std::string content;
  std::string decoded;  // what decode() shows: the normalized content for normalized tokens
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = false;
  bool special = false;
};

// A stretch of text: plain text (token < 0) or one added token.
struct AddedTokenSplit {
  size_t begin;
  size_t end;
  int64_t token = -1;
};

class AddedTokens {
 public:
  // Reads the list and checks each id against the one Hugging Face would give (the vocabulary's
  // id of the content, else the next free id), refusing a file where they differ.
  AddedTokens(const JsonAt& list, const BpeModel& model, const HfNormalizer* normalizer);
  ~AddedTokens();
  AddedTokens(AddedTokens&&) noexcept;

  // Splits `text` at the tokens with normalized=false (raw) or true (normalized pieces).
  // Appends the stretches, covering `text`, none empty.
  void split(std::string_view text, bool normalized, std::vector<AddedTokenSplit>& out) const;

  const HfAddedToken* by_id(int64_t id) const;
  const HfAddedToken* by_content(std::string_view content) const;
  const std::vector<HfAddedToken>& all() const { return tokens_; }

 private:
  class Trie;
  void find_matches(std::string_view text, const Trie& trie,
                    std::vector<AddedTokenSplit>& out) const;

  std::vector<HfAddedToken> tokens_;
  std::unordered_map<int64_t, size_t> index_of_id_;
  std::unordered_map<std::string, size_t> index_of_content_;
  std::unique_ptr<Trie> raw_;
  std::unique_ptr<Trie> normalized_;
};

}  // namespace tb
