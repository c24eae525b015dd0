// Template text -> tokens, as @huggingface/jinja 0.5.13 src/lexer.ts `tokenize` does after
// preprocessing: text between tags, `{%- -%}` / `{{- -}}` / `{#- -#}` white-space control
// (JavaScript white space), string literals with the same escapes, numbers (a leading sign
// folds into the literal where the reference folds it), names and operators.
#pragma once
#include <string>
#include <vector>

namespace tb::jinja {

enum class TokenType {
  kText,
  kNumericLiteral,
  kStringLiteral,
  kIdentifier,
  kEquals,
  kOpenParen,
  kCloseParen,
  kOpenStatement,
  kCloseStatement,
  kOpenExpression,
  kCloseExpression,
  kOpenSquareBracket,
  kCloseSquareBracket,
  kOpenCurlyBracket,
  kCloseCurlyBracket,
  kComma,
  kDot,
  kColon,
  kPipe,
  kAdditiveOperator,        // + - ~
  kMultiplicativeOperator,  // * / // %
  kExponentiationOperator,  // **
  kComparisonOperator,      // < > <= >= == !=
  kUnaryOperator,           // - + not followed by a number
  kComment,
};

struct Token {
  TokenType type;
  std::string value;
  size_t offset;  // byte offset of the token in the preprocessed text
};

// Throws TemplateFailure (with the offset) on text the reference lexer rejects.
std::vector<Token> tokenize(const std::string& text);

// A short description of a token type for error messages, e.g. "'%}'".
std::string describe(TokenType type);

}  // namespace tb::jinja
