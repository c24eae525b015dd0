// UTF-8 reading for the tokenizers, which accept any bytes: a byte that does not begin a
// well-formed UTF-8 sequence (Unicode 15.0, table 3-7) is read as a character of its own
// with code point kInvalidCodePoint, so every byte of a text belongs to exactly one character.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace tb::utf8 {

inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;

struct Char {
  char32_t code_point;  // kInvalidCodePoint for a byte outside any well-formed sequence
  size_t size;          // bytes: 1 to 4
};

// The character starting at byte `at` (< text.size()).
Char read_char(std::string_view text, size_t at);

// The character ending at byte `end` (> 0): the inverse walk of read_char.
Char read_char_before(std::string_view text, size_t end);

void append_code_point(std::string& out, char32_t code_point);

// Unicode's White_Space property (PropList.txt), which is what Rust's char::is_whitespace and
// the regex crate's \s test, and Oniguruma's \s in Unicode mode.
bool is_white_space(char32_t code_point);

// Whether `text` is one well-formed UTF-8 character (tokenizer.json fields typed `char`).
bool is_single_char(std::string_view text);

}  // namespace tb::utf8
