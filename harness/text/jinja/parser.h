// Tokens -> syntax tree, with the grammar and operator precedence of @huggingface/jinja
// 0.5.13 src/parser.ts (lowest first: `x if c else y`, or, and, not, comparisons and
// `in`, + - ~, * / // %, **, `is` tests, `|` filters, unary signs, calls/members/slices).
// Statements: if/elif/else, for (with `if` filter and `else`), set (also as a block),
// break, continue, filter blocks, macros. `call` blocks are refused with their position.
#pragma once
#include <vector>

#include "harness/text/jinja/ast.h"
#include "harness/text/jinja/lexer.h"

namespace tb::jinja {

// Throws TemplateFailure (with the offset of the offending token) on a syntax error or an
// unsupported construct.
NodeList parse(const std::vector<Token>& tokens);

}  // namespace tb::jinja
