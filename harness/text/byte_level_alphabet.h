// GPT-2's byte-to-character map, which byte-level BPE vocabularies (GPT-2, Llama-3, Qwen) are
// written in: each of the 256 bytes stands for one printable character, so "Ġthe" is the bytes
// " the". Source: openai/gpt-2 src/encoder.py bytes_to_unicode(), and Hugging Face tokenizers
// pre_tokenizers/byte_level.rs bytes_char(): the printable bytes '!'..'~', 0xA1..0xAC and
// 0xAE..0xFF stand for themselves; the other 68 bytes, in order, for U+0100, U+0101, ...
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tb {

class ByteLevelAlphabet {
 public:
  static const ByteLevelAlphabet& get();

  // UTF-8 of the character standing for `byte`.
  std::string_view char_of(uint8_t byte) const { return chars_[byte]; }
  // The byte a character stands for; nullopt for a character outside the alphabet.
  std::optional<uint8_t> byte_of(char32_t code_point) const;

  // Appends the alphabet spelling of `bytes` (any bytes, valid UTF-8 or not).
  void append_spelled(std::string_view bytes, std::string& out) const;
  // Appends the bytes a token spelled in the alphabet stands for; false (and nothing
  // appended) when the token has a character outside the alphabet.
  bool append_bytes_of(std::string_view token, std::string& out) const;

 private:
  ByteLevelAlphabet();
  std::array<std::string, 256> chars_;
  std::array<int16_t, 324> byte_of_code_point_;  // -1: not in the alphabet (all are < 324)
};

}  // namespace tb
