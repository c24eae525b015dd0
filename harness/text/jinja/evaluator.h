// Renders a parsed template: statements produce text, expressions produce values, with the
// scoping and control flow of @huggingface/jinja 0.5.13's Interpreter (runtime.ts): `set`
// writes to the current scope; a `for` loop has its own scope and a `loop` record (index,
// index0, revindex, revindex0, first, last, length, previtem, nextitem); `break` and
// `continue` drop the text of the unfinished iteration; a `for` renders its `else` block
// when no iteration ran to its end; a macro renders its body in a scope inside the one it
// was defined in.
#pragma once
#include <string>

#include "harness/text/jinja/ast.h"
#include "harness/text/jinja/environment.h"

namespace tb::jinja {

// `break` or `continue` that left every loop; the template turns it into an error.
struct LoopControlOutsideLoop {
  bool is_break;
  size_t offset;
};

// The text of `statements`; failures carry the offset of the innermost node involved.
std::string render_statements(const NodeList& statements, Environment& env);

}  // namespace tb::jinja
