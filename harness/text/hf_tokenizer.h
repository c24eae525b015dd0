// A Hugging Face tokenizer folder (tokenizer.json, optionally tokenizer_config.json and
// generation_config.json) behind the Tokenizer interface, encoding and decoding as Hugging
// Face tokenizers (Rust) does: added tokens found in the raw text first, then normalizer,
// pre-tokenizer and BPE model on the rest; decode through the file's decoder.
// Covers byte-level BPE (Llama-3, Qwen2.5, Qwen3) and SentencePiece-style BPE (Llama-2,
// Mistral, TinyLlama). What the file asks for and we do not implement is refused at load
// (UserError naming the file and JSON path), never approximated.
//
// Differences from Hugging Face, by choice:
// - decode() keeps bytes that are not valid UTF-8 where Hugging Face writes U+FFFD, so
//   byte-level decode(encode(x)) == x for any bytes x (encode accepts any bytes too);
// - ids outside the vocabulary are skipped by decode(), as Hugging Face does, but
//   id_to_token() throws std::out_of_range for them;
// - the framing (BOS) comes from the post-processor's single template; tokenizer_config.json's
//   add_bos_token / add_eos_token are not read.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "harness/text/hf_special_tokens_config.h"
#include "harness/text/tokenizer.h"

namespace tb {

class AddedTokens;
class BpeModel;
class HfDecoder;
class HfNormalizer;
class HfPreTokenizer;
class JsonAt;

class HfTokenizer : public Tokenizer {
 public:
  // Throws UserError naming the file (and JSON path) for a missing, malformed or unsupported
  // tokenizer folder, and for one without any EOS token.
  explicit HfTokenizer(const std::filesystem::path& folder);
  ~HfTokenizer() override;

  std::vector<int64_t> encode(std::string_view text) const override;
  std::string decode(const std::vector<int64_t>& ids, bool skip_special = true) const override;
  int64_t vocab_size() const override { return vocab_size_; }
  const SpecialTokenIds& special() const override { return special_; }
  bool is_special(int64_t id) const override;
  std::string id_to_token(int64_t id) const override;
  std::optional<int64_t> token_to_id(std::string_view token) const override;
  // SHA-256 over the three files: "<name>\n<sha256 of its bytes, or 'absent'>\n" for
  // tokenizer.json, tokenizer_config.json and generation_config.json in this order.
  std::string fingerprint() const override { return fingerprint_; }

 private:
  void load_pipeline(const JsonAt& root);
  void load_special_tokens(const std::filesystem::path& folder, const JsonAt& post_processor);
  int64_t named_id(const HfSpecialTokensConfig::Named& token) const;
  int64_t eos_id(const HfSpecialTokensConfig& config, const std::filesystem::path& folder) const;
  bool is_token_id(int64_t id) const;
  // Normalizes one stretch between raw added tokens and tokenizes it.
  void encode_stretch(std::string_view raw, bool at_input_start, std::vector<int64_t>& ids) const;

  std::unique_ptr<HfNormalizer> normalizer_;
  std::unique_ptr<HfPreTokenizer> pre_tokenizer_;
  std::unique_ptr<BpeModel> model_;
  std::unique_ptr<AddedTokens> added_;
  std::unique_ptr<HfDecoder> decoder_;
  SpecialTokenIds special_;
  int64_t vocab_size_ = 0;
  std::string fingerprint_;
};

}  // namespace tb
