// The one kind of failure the engine raises internally: a message and, when known, where in
// the template it happened. jinja::Template turns it into a tb::UserError that names the
// template and the line:column (see template.cpp); nothing else leaves the engine.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>

namespace tb::jinja {

inline constexpr size_t kUnknownOffset = static_cast<size_t>(-1);

class TemplateFailure : public std::runtime_error {
 public:
  explicit TemplateFailure(const std::string& message, size_t offset = kUnknownOffset)
      : std::runtime_error(message), offset(offset) {}
  // Byte offset into the preprocessed template text (see preprocess.h), or kUnknownOffset
  // until the evaluator attaches the offset of the node being evaluated.
  size_t offset;
};

[[noreturn]] inline void fail(const std::string& message) { throw TemplateFailure(message); }

// A construct that @huggingface/jinja renders in a way tunebench does not reproduce, or that
// it does not support either. `construct` names it, e.g. "the 'macro' statement".
[[noreturn]] inline void fail_unsupported(const std::string& construct) {
  throw TemplateFailure(construct + " is not supported by tunebench's Jinja engine");
}

}  // namespace tb::jinja
