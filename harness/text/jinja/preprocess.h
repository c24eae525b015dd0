// The text rewrites @huggingface/jinja applies before lexing (lexer.ts `preprocess`), with
// the options its Template always passes and transformers also sets: drop one trailing
// newline; lstrip_blocks (spaces and tabs before a block tag at the start of a line go);
// trim_blocks (the newline right after a block tag goes); and transformers' own
// `{% generation %}` / `{% endgeneration %}` markers are removed. Every byte of the result
// remembers where it came from, so errors can point into the template as the user wrote it.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace tb::jinja {

struct PreprocessedTemplate {
  std::string text;
  // origin[i]: byte offset in the original source of text[i]; origin[text.size()] is the
  // source's size (the end of input).
  std::vector<size_t> origin;
};

PreprocessedTemplate preprocess_template(std::string_view source);

// "line L, column C" of byte `offset` of `source`; lines and columns count from 1, columns
// in characters.
std::string describe_location(std::string_view source, size_t offset);

}  // namespace tb::jinja
