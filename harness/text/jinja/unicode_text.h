// UTF-8 text seen the way JavaScript sees strings. @huggingface/jinja, whose output the
// engine reproduces byte for byte, works on UTF-16 code units: `length` counts them,
// `trim` strips JavaScript's white space (which includes U+00A0, U+2028, U+FEFF...),
// slicing walks code points. We keep UTF-8 and count or cut the way JavaScript would.
// Reference: ECMA-262 §7.2 (WhiteSpace, LineTerminator), §22.1.3 (String.prototype).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tb::jinja {

// The code point starting at byte `i` of valid UTF-8 `text`; `width` receives its byte count.
char32_t decode_utf8(std::string_view text, size_t i, size_t* width);
void append_utf8(std::string& out, char32_t code_point);
// False when `text` is not well-formed UTF-8 (JavaScript strings cannot hold such bytes).
bool is_valid_utf8(std::string_view text);

// JavaScript's `\s`: WhiteSpace or LineTerminator.
bool is_js_whitespace(char32_t code_point);
std::string_view js_trim(std::string_view text);
std::string_view js_trim_start(std::string_view text);
std::string_view js_trim_end(std::string_view text);
// True when a JavaScript WhiteSpace/LineTerminator character starts at byte `i`; `width`
// receives its byte count.
bool js_whitespace_at(std::string_view text, size_t i, size_t* width);

// `text.length` in JavaScript: UTF-16 code units (a character beyond U+FFFF counts twice).
size_t utf16_length(std::string_view text);
// `Array.from(text)`: one string per code point.
std::vector<std::string_view> code_points(std::string_view text);
// `a < b` between JavaScript strings: UTF-16 code-unit order.
int utf16_compare(std::string_view a, std::string_view b);
// `\uXXXX` escapes (lowercase hex) for every UTF-16 code unit from U+007F up, as
// @huggingface/jinja's `tojson(ensure_ascii=true)` writes them.
std::string escape_non_ascii(std::string_view text);

// True when every byte is ASCII: the engine changes letter case only for such text,
// since JavaScript's full Unicode case mapping is not reproduced.
bool is_ascii(std::string_view text);

}  // namespace tb::jinja
