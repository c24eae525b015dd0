// Port of `preprocess` in @huggingface/jinja 0.5.13 src/lexer.ts (see preprocess.h). The
// regular expressions it uses are spelled out as scans:
//   lstrip_blocks  /^[ \t]*({[#%-])/gm   (^ also after CR, U+2028 and U+2029, as in JavaScript)
//   trim_blocks    /([#%-]})\n/g
//   generation     /{%(-?)\s*(?:end)?generation\s*(-?)%}(\s*)/gs
// They run over the whole text, string literals included, exactly as the reference does.
#include "harness/text/jinja/preprocess.h"

#include "harness/text/jinja/unicode_text.h"

namespace tb::jinja {
namespace {

void copy_span(const PreprocessedTemplate& in, size_t from, size_t to, PreprocessedTemplate& out) {
  out.text.append(in.text, from, to - from);
  out.origin.insert(out.origin.end(), in.origin.begin() + from, in.origin.begin() + to);
}

void finish(const PreprocessedTemplate& in, PreprocessedTemplate& out) {
  out.origin.push_back(in.origin.back());
}

// Byte offset just past a line terminator ending at `i`, or 0 when none is there.
size_t line_terminator_width(const std::string& text, size_t i) {
  if (text[i] == '\n' || text[i] == '\r') return 1;
  if (text.compare(i, 3, "\xE2\x80\xA8") == 0 || text.compare(i, 3, "\xE2\x80\xA9") == 0) return 3;
  return 0;
}

PreprocessedTemplate strip_block_indentation(const PreprocessedTemplate& in) {
  PreprocessedTemplate out;
  const std::string& s = in.text;
  size_t i = 0;
  bool line_start = true;
  while (i < s.size()) {
    if (line_start) {
      size_t j = i;
      while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
      if (j + 1 < s.size() && s[j] == '{' &&
          (s[j + 1] == '#' || s[j + 1] == '%' || s[j + 1] == '-')) {
        i = j;  // drop the indentation, keep the tag
      }
      line_start = false;
      continue;
    }
    const size_t width = line_terminator_width(s, i);
    const size_t step = width > 0 ? width : 1;
    copy_span(in, i, i + step, out);
    i += step;
    line_start = width > 0;
  }
  finish(in, out);
  return out;
}

PreprocessedTemplate drop_newline_after_blocks(const PreprocessedTemplate& in) {
  PreprocessedTemplate out;
  const std::string& s = in.text;
  size_t i = 0;
  while (i < s.size()) {
    const bool tag_end = (s[i] == '#' || s[i] == '%' || s[i] == '-') && i + 2 < s.size() &&
                         s[i + 1] == '}' && s[i + 2] == '\n';
    if (tag_end) {
      copy_span(in, i, i + 2, out);
      i += 3;
    } else {
      copy_span(in, i, i + 1, out);
      ++i;
    }
  }
  finish(in, out);
  return out;
}

size_t skip_js_whitespace(const std::string& s, size_t i) {
  size_t width = 0;
  while (js_whitespace_at(s, i, &width)) i += width;
  return i;
}

struct GenerationTag {
  bool strip_before = false;
  bool strip_after = false;
  size_t end_of_tag = 0;    // just past "%}"
  size_t end_of_match = 0;  // just past the white space that follows
};

// Matches /{%(-?)\s*(?:end)?generation\s*(-?)%}(\s*)/ at `i`.
bool match_generation_tag(const std::string& s, size_t i, GenerationTag* tag) {
  if (s.compare(i, 2, "{%") != 0) return false;
  size_t j = i + 2;
  tag->strip_before = j < s.size() && s[j] == '-';
  if (tag->strip_before) ++j;
  j = skip_js_whitespace(s, j);
  if (s.compare(j, 3, "end") == 0 && s.compare(j + 3, 10, "generation") == 0) j += 3;
  if (s.compare(j, 10, "generation") != 0) return false;
  j = skip_js_whitespace(s, j + 10);
  tag->strip_after = j < s.size() && s[j] == '-';
  if (tag->strip_after) ++j;
  if (s.compare(j, 2, "%}") != 0) return false;
  tag->end_of_tag = j + 2;
  tag->end_of_match = skip_js_whitespace(s, tag->end_of_tag);
  return true;
}

// Start of the white space run that ends at `end` (not going back past `floor`).
size_t start_of_trailing_whitespace(const std::string& s, size_t floor, size_t end) {
  while (end > floor) {
    size_t start = end - 1;
    while (start > floor && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    size_t width = 0;
    if (!js_whitespace_at(s, start, &width)) break;
    end = start;
  }
  return end;
}

PreprocessedTemplate remove_generation_tags(const PreprocessedTemplate& in) {
  PreprocessedTemplate out;
  const std::string& s = in.text;
  size_t last = 0;
  size_t i = 0;
  while ((i = s.find("{%", i)) != std::string::npos) {
    GenerationTag tag;
    if (!match_generation_tag(s, i, &tag)) {
      ++i;
      continue;
    }
    const size_t keep_until = tag.strip_before ? start_of_trailing_whitespace(s, last, i) : i;
    copy_span(in, last, keep_until, out);
    if (!tag.strip_after) copy_span(in, tag.end_of_tag, tag.end_of_match, out);
    last = i = tag.end_of_match;
  }
  copy_span(in, last, s.size(), out);
  finish(in, out);
  return out;
}

}  // namespace

PreprocessedTemplate preprocess_template(std::string_view source) {
  PreprocessedTemplate text;
  text.text = std::string(source);
  if (!text.text.empty() && text.text.back() == '\n') text.text.pop_back();
  for (size_t i = 0; i <= text.text.size(); ++i) text.origin.push_back(i);
  if (text.text.size() < source.size()) text.origin.back() = source.size();
  return remove_generation_tags(drop_newline_after_blocks(strip_block_indentation(text)));
}

std::string describe_location(std::string_view source, size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < source.size();) {
    size_t width = 0;
    decode_utf8(source, i, &width);
    if (source[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += width;
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace tb::jinja
