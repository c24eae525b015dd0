// Byte-level tokenizer: token i < 256 is byte i; three special tokens follow.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tb {

inline constexpr int64_t kBosToken = 256;
inline constexpr int64_t kEosToken = 257;
inline constexpr int64_t kPadToken = 258;
inline constexpr int64_t kByteVocabSize = 259;

std::vector<int64_t> encode_bytes(std::string_view text);
// Bytes of the byte tokens; special tokens are skipped.
std::string decode_bytes(const std::vector<int64_t>& tokens);

// Printable ASCII as is, every other byte as \xNN: always valid UTF-8 (for JSON and logs).
std::string escape_bytes(std::string_view bytes);

}  // namespace tb
