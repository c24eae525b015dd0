// The BPE model of a tokenizer.json ("model": {"type": "BPE", ...}), as Hugging Face tokenizers
// implements it (models/bpe/model.rs, models/bpe/word.rs): each pre-token is split into
// characters (with continuing_subword_prefix / end_of_word_suffix), unknown characters become
// <0xNN> byte tokens (byte_fallback) or the unk token (fused when fuse_unk), then the pair of
// adjacent symbols with the lowest merge rank is merged, leftmost first, until none is left.
// With ignore_merges (Llama-3) a pre-token found whole in the vocabulary is one token.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/text/hf_json_reader.h"

namespace tb {

class BpeModel {
 public:
  // Reads and checks "model" (UserError naming the JSON path for anything wrong or not
  // supported: another model type, dropout, a merge of tokens outside the vocabulary...).
  static std::unique_ptr<BpeModel> from_json(const JsonAt& model);
  ~BpeModel();

  // Appends the ids of one pre-token. Thread-safe.
  void tokenize(std::string_view piece, std::vector<int64_t>& ids) const;

  std::optional<int64_t> token_to_id(std::string_view token) const;
  // nullptr when no token has this id.
  const std::string* id_to_token(int64_t id) const;
  // The largest id + 1 (ids need not be contiguous).
  int64_t id_end() const { return int64_t(tokens_.size()); }
  // How many tokens the vocabulary has.
  int64_t token_count() const;

 private:
  BpeModel();
  struct Tables;
  class Cache;
  struct Symbol;

  void read_options(const JsonAt& model);
  void read_vocab(const JsonAt& vocab);
  void read_merges(const JsonAt& merges);
  bool merge_parts(const JsonAt& merges, size_t i, bool pairs, std::string& left,
                   std::string& right) const;
  std::optional<int32_t> find(std::string_view token) const;
  std::optional<int32_t> char_id(std::string_view ch, bool first, bool last,
                                 std::string& scratch) const;
  void read_adjacent_pairs() const;
  std::vector<size_t> free_cuts(std::string_view piece) const;
  void tokenize_word(std::string_view word, std::vector<int64_t>& ids) const;
  void initial_symbols(std::string_view piece, std::vector<Symbol>& symbols) const;
  void merge_all(std::vector<Symbol>& symbols) const;

  std::unique_ptr<Tables> tables_;
  std::unique_ptr<Cache> cache_;
  std::vector<std::string> tokens_;  // by id; empty where no token
  std::vector<bool> has_token_;
  std::optional<int32_t> unk_id_;
  bool fuse_unk_ = false;
  bool byte_fallback_ = false;
  bool ignore_merges_ = false;
  std::string prefix_;                   // continuing_subword_prefix
  std::string suffix_;                   // end_of_word_suffix
  std::array<int32_t, 256> byte_ids_{};  // <0xNN> tokens; -1 where absent
  bool cuts_allowed_ = false;            // long pre-tokens may be cut at free_cuts()
};

}  // namespace tb
