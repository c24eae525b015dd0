// UTF-8 helpers that count and cut text the way JavaScript strings do (see unicode_text.h).
// White space set: ECMA-262 WhiteSpace (TAB, VT, FF, SP, NBSP, ZWNBSP, Zs) and
// LineTerminator (LF, CR, LS, PS), the set @huggingface/jinja's lexer also spells out.
#include "harness/text/jinja/unicode_text.h"

#include <cstdio>

namespace tb::jinja {

char32_t decode_utf8(std::string_view text, size_t i, size_t* width) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) {
    *width = 1;
    return lead;
  }
  if (lead < 0xE0) {
    *width = 2;
    return (char32_t(lead & 0x1F) << 6) | (byte(1) & 0x3F);
  }
  if (lead < 0xF0) {
    *width = 3;
    return (char32_t(lead & 0x0F) << 12) | (char32_t(byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
  }
  *width = 4;
  return (char32_t(lead & 0x07) << 18) | (char32_t(byte(1) & 0x3F) << 12) |
         (char32_t(byte(2) & 0x3F) << 6) | (byte(3) & 0x3F);
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

bool is_valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t width = 0;
    char32_t min = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if (lead >= 0xC2 && lead < 0xE0) {
      width = 2, min = 0x80;
    } else if (lead >= 0xE0 && lead < 0xF0) {
      width = 3, min = 0x800;
    } else if (lead >= 0xF0 && lead < 0xF5) {
      width = 4, min = 0x10000;
    } else {
      return false;
    }
    if (i + width > text.size()) return false;
    for (size_t k = 1; k < width; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    size_t decoded_width = 0;
    const char32_t cp = decode_utf8(text, i, &decoded_width);
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += width;
  }
  return true;
}

bool is_js_whitespace(char32_t cp) {
  if (cp <= 32) return cp == 32 || (cp >= 9 && cp <= 13);
  return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

bool js_whitespace_at(std::string_view text, size_t i, size_t* width) {
  if (i >= text.size()) return false;
  return is_js_whitespace(decode_utf8(text, i, width));
}

std::string_view js_trim_start(std::string_view text) {
  size_t i = 0, width = 0;
  while (js_whitespace_at(text, i, &width)) i += width;
  return text.substr(i);
}

std::string_view js_trim_end(std::string_view text) {
  size_t end = text.size();
  while (end > 0) {
    size_t start = end - 1;  // back up to the lead byte of the last character
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    size_t width = 0;
    if (!js_whitespace_at(text, start, &width)) break;
    end = start;
  }
  return text.substr(0, end);
}

std::string_view js_trim(std::string_view text) { return js_trim_end(js_trim_start(text)); }

size_t utf16_length(std::string_view text) {
  size_t units = 0;
  for (size_t i = 0; i < text.size();) {
    size_t width = 0;
    units += decode_utf8(text, i, &width) >= 0x10000 ? 2 : 1;
    i += width;
  }
  return units;
}

std::vector<std::string_view> code_points(std::string_view text) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < text.size();) {
    size_t width = 0;
    decode_utf8(text, i, &width);
    out.push_back(text.substr(i, width));
    i += width;
  }
  return out;
}

namespace {

// UTF-16 code units of one code point, high surrogate first.
std::vector<char16_t> utf16_units(char32_t cp) {
  if (cp < 0x10000) return {char16_t(cp)};
  cp -= 0x10000;
  return {char16_t(0xD800 + (cp >> 10)), char16_t(0xDC00 + (cp & 0x3FF))};
}

std::u16string to_utf16(std::string_view text) {
  std::u16string out;
  for (size_t i = 0; i < text.size();) {
    size_t width = 0;
    for (char16_t unit : utf16_units(decode_utf8(text, i, &width))) out += unit;
    i += width;
  }
  return out;
}

}  // namespace

int utf16_compare(std::string_view a, std::string_view b) {
  const int c = to_utf16(a).compare(to_utf16(b));
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

std::string escape_non_ascii(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t width = 0;
    const char32_t cp = decode_utf8(text, i, &width);
    if (cp < 0x7F) {
      out += char(cp);
    } else {
      for (char16_t unit : utf16_units(cp)) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(unit));
        out += buf;
      }
    }
    i += width;
  }
  return out;
}

bool is_ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace tb::jinja
