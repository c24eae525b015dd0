// GPT-2's bytes_to_unicode() (openai/gpt-2 src/encoder.py), as Hugging Face tokenizers'
// bytes_char() builds it (pre_tokenizers/byte_level.rs).
#include "harness/text/byte_level_alphabet.h"

#include "harness/text/utf8_text.h"

namespace tb {
namespace {

bool stands_for_itself(int byte) {
  return (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) ||
         (byte >= 0xAE && byte <= 0xFF);
}

}  // namespace

const ByteLevelAlphabet& ByteLevelAlphabet::get() {
  static const ByteLevelAlphabet alphabet;
  return alphabet;
}

ByteLevelAlphabet::ByteLevelAlphabet() {
  byte_of_code_point_.fill(-1);
  char32_t next_unprintable = 0x100;
  for (int byte = 0; byte < 256; ++byte) {
    const char32_t cp = stands_for_itself(byte) ? char32_t(byte) : next_unprintable++;
    utf8::append_code_point(chars_[byte], cp);
    byte_of_code_point_[cp] = int16_t(byte);
  }
}

std::optional<uint8_t> ByteLevelAlphabet::byte_of(char32_t code_point) const {
  if (code_point >= byte_of_code_point_.size()) return std::nullopt;
  const int16_t byte = byte_of_code_point_[code_point];
  if (byte < 0) return std::nullopt;
  return uint8_t(byte);
}

void ByteLevelAlphabet::append_spelled(std::string_view bytes, std::string& out) const {
  for (const char byte : bytes) out += chars_[static_cast<unsigned char>(byte)];
}

bool ByteLevelAlphabet::append_bytes_of(std::string_view token, std::string& out) const {
  const size_t size_before = out.size();
  for (size_t at = 0; at < token.size();) {
    const utf8::Char c = utf8::read_char(token, at);
    const std::optional<uint8_t> byte = byte_of(c.code_point);
    if (!byte) {
      out.resize(size_before);
      return false;
    }
    out += static_cast<char>(*byte);
    at += c.size;
  }
  return true;
}

}  // namespace tb
