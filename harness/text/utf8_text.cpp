// UTF-8 decoding per the Unicode Standard 15.0, section 3.9, table 3-7 (well-formed byte
// sequences): overlong forms, surrogates and code points above U+10FFFF are not characters.
#include "harness/text/utf8_text.h"

namespace tb::utf8 {
namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Allowed range of the second byte after a lead byte (table 3-7); the later ones are 80..BF.
bool second_byte_ok(unsigned char lead, unsigned char second) {
  if (lead == 0xE0) return second >= 0xA0 && second <= 0xBF;
  if (lead == 0xED) return second >= 0x80 && second <= 0x9F;
  if (lead == 0xF0) return second >= 0x90 && second <= 0xBF;
  if (lead == 0xF4) return second >= 0x80 && second <= 0x8F;
  return is_continuation(second);
}

size_t sequence_size(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;  // a continuation byte, C0, C1 or F5..FF: never a lead
}

}  // namespace

Char read_char(std::string_view text, size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  const size_t size = sequence_size(lead);
  if (size == 1) return {lead, 1};
  if (size == 0 || at + size > text.size()) return {kInvalidCodePoint, 1};
  const auto second = static_cast<unsigned char>(text[at + 1]);
  if (!second_byte_ok(lead, second)) return {kInvalidCodePoint, 1};
  char32_t cp = lead & (0xFF >> (size + 1));
  cp = (cp << 6) | (second & 0x3F);
  for (size_t i = 2; i < size; ++i) {
    const auto byte = static_cast<unsigned char>(text[at + i]);
    if (!is_continuation(byte)) return {kInvalidCodePoint, 1};
    cp = (cp << 6) | (byte & 0x3F);
  }
  return {cp, size};
}

Char read_char_before(std::string_view text, size_t end) {
  // A well-formed character is at most 4 bytes; the longest one that ends exactly at `end`
  // is the one read_char would have read from its start.
  for (size_t size = 4; size >= 2; --size) {
    if (size > end) continue;
    const Char c = read_char(text, end - size);
    if (c.code_point != kInvalidCodePoint && c.size == size) return c;
  }
  const Char last = read_char(text, end - 1);
  return last.size == 1 ? last : Char{kInvalidCodePoint, 1};
}

void append_code_point(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_white_space(char32_t cp) {
  if (cp >= 0x09 && cp <= 0x0D) return true;
  if (cp >= 0x2000 && cp <= 0x200A) return true;
  switch (cp) {
    case 0x20:
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return false;
  }
}

bool is_single_char(std::string_view text) {
  if (text.empty()) return false;
  const Char c = read_char(text, 0);
  return c.code_point != kInvalidCodePoint && c.size == text.size();
}

}  // namespace tb::utf8
