// The byte tokenizer of tunebench's synthetic base models: token i < 256 is byte i, then
// BOS (256), EOS (257) and PAD (258). Every byte string encodes losslessly, one token per
// byte, so "length in tokens" and "length in bytes" agree for these models.
#pragma once
#include "harness/text/tokenizer.h"

namespace tb {

inline constexpr int64_t kBosToken = 256;
inline constexpr int64_t kEosToken = 257;
inline constexpr int64_t kPadToken = 258;
inline constexpr int64_t kByteVocabSize = 259;

class ByteTokenizer final : public Tokenizer {
 public:
  ByteTokenizer();
  std::vector<int64_t> encode(std::string_view text) const override;
  std::string decode(const std::vector<int64_t>& ids, bool skip_special = true) const override;
  int64_t vocab_size() const override { return kByteVocabSize; }
  const SpecialTokenIds& special() const override { return special_; }
  bool is_special(int64_t id) const override { return id >= 256 && id < kByteVocabSize; }
  std::string id_to_token(int64_t id) const override;
  std::optional<int64_t> token_to_id(std::string_view token) const override;
  std::string fingerprint() const override { return "bytes"; }

 private:
  SpecialTokenIds special_;
};

// The one byte tokenizer (stateless), for code that has no run-specific tokenizer.
const ByteTokenizer& byte_tokenizer();

}  // namespace tb
