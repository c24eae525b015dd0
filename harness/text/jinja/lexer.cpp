// Port of `tokenize` in @huggingface/jinja 0.5.13 src/lexer.ts (see lexer.h). Choices: the
// text is UTF-8, so `\uXXXX` escapes are re-encoded as UTF-8 (a surrogate pair written as two
// escapes becomes one character; a lone surrogate, which UTF-8 cannot hold, is an error).
#include "harness/text/jinja/lexer.h"

#include <array>
#include <optional>
#include <string_view>

#include "harness/text/jinja/template_error.h"
#include "harness/text/jinja/unicode_text.h"

namespace tb::jinja {
namespace {

bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct Rule {
  std::string_view text;
  TokenType type;
};

// ORDERED_MAPPING_TABLE of the reference: longer sequences before their prefixes.
constexpr std::array<Rule, 29> kRules = {{
    {"{%", TokenType::kOpenStatement},
    {"%}", TokenType::kCloseStatement},
    {"{{", TokenType::kOpenExpression},
    {"}}", TokenType::kCloseExpression},
    {"(", TokenType::kOpenParen},
    {")", TokenType::kCloseParen},
    {"{", TokenType::kOpenCurlyBracket},
    {"}", TokenType::kCloseCurlyBracket},
    {"[", TokenType::kOpenSquareBracket},
    {"]", TokenType::kCloseSquareBracket},
    {",", TokenType::kComma},
    {".", TokenType::kDot},
    {":", TokenType::kColon},
    {"|", TokenType::kPipe},
    {"<=", TokenType::kComparisonOperator},
    {">=", TokenType::kComparisonOperator},
    {"==", TokenType::kComparisonOperator},
    {"!=", TokenType::kComparisonOperator},
    {"<", TokenType::kComparisonOperator},
    {">", TokenType::kComparisonOperator},
    {"+", TokenType::kAdditiveOperator},
    {"-", TokenType::kAdditiveOperator},
    {"~", TokenType::kAdditiveOperator},
    {"**", TokenType::kExponentiationOperator},
    {"*", TokenType::kMultiplicativeOperator},
    {"//", TokenType::kMultiplicativeOperator},
    {"/", TokenType::kMultiplicativeOperator},
    {"%", TokenType::kMultiplicativeOperator},
    {"=", TokenType::kEquals},
}};

std::optional<char> simple_escape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'v':
      return '\v';
    case '\'':
      return '\'';
    case '"':
      return '"';
    case '\\':
      return '\\';
    default:
      return std::nullopt;
  }
}

class Lexer {
 public:
  explicit Lexer(const std::string& src) : src_(src) {}

  std::vector<Token> run() {
    while (pos_ < src_.size()) step();
    return std::move(tokens_);
  }

 private:
  const std::string& src_;
  size_t pos_ = 0;
  int curly_depth_ = 0;
  std::vector<Token> tokens_;

  char at(size_t i) const { return i < src_.size() ? src_[i] : '\0'; }
  std::optional<TokenType> last_type() const {
    if (tokens_.empty()) return std::nullopt;
    return tokens_.back().type;
  }
  void push(TokenType type, std::string value, size_t offset) {
    tokens_.push_back(Token{type, std::move(value), offset});
  }
  [[noreturn]] void fail_here(const std::string& message) const {
    throw TemplateFailure(message, pos_);
  }

  void step() {
    const auto last = last_type();
    const bool outside_tags = !last || *last == TokenType::kCloseStatement ||
                              *last == TokenType::kCloseExpression || *last == TokenType::kComment;
    if (outside_tags && consume_text()) return;
    if (at(pos_) == '{' && consume_tag_opening()) return;
    skip_whitespace_inside_tag();
    if (consume_tag_closing_with_strip()) return;
    if ((at(pos_) == '-' || at(pos_) == '+') && consume_sign()) return;
    if (consume_rule()) return;
    const char c = at(pos_);
    if (c == '\'' || c == '"') return consume_string_literal(c);
    if (is_digit(c)) return consume_number();
    if (is_word(c)) return consume_word();
    size_t width = 0;
    decode_utf8(src_, pos_, &width);
    fail_here("unexpected character '" + src_.substr(pos_, width) + "'");
  }

  // Text up to the next "{%", "{{" or "{#".
  bool consume_text() {
    size_t end = pos_;
    while (true) {
      end = src_.find('{', end);
      if (end == std::string::npos) {
        end = src_.size();
        break;
      }
      const char next = at(end + 1);
      if (next == '%' || next == '{' || next == '#') break;
      ++end;
    }
    if (end == pos_) return false;
    push(TokenType::kText, src_.substr(pos_, end - pos_), pos_);
    pos_ = end;
    return true;
  }

  bool consume_tag_opening() {
    const char next = at(pos_ + 1);
    if (next == '#') {
      consume_comment();
      return true;
    }
    if (at(pos_ + 2) != '-' || (next != '%' && next != '{')) return false;
    strip_trailing_whitespace();
    if (next == '%') {
      push(TokenType::kOpenStatement, "{%", pos_);
    } else {
      push(TokenType::kOpenExpression, "{{", pos_);
      curly_depth_ = 0;
    }
    pos_ += 3;
    return true;
  }

  void consume_comment() {
    const size_t start = pos_;
    pos_ += 2;
    const bool strip_before = at(pos_) == '-';
    if (strip_before) ++pos_;
    const size_t end = src_.find("#}", pos_);
    if (end == std::string::npos)
      throw TemplateFailure("comment '{#' is never closed with '#}'", start);
    std::string comment = src_.substr(pos_, end - pos_);
    const bool strip_after = !comment.empty() && comment.back() == '-';
    if (strip_after) comment.pop_back();
    if (strip_before) strip_trailing_whitespace();
    push(TokenType::kComment, std::move(comment), start);
    pos_ = end + 2;
    if (strip_after) skip_leading_whitespace();
  }

  void strip_trailing_whitespace() {
    if (tokens_.empty() || tokens_.back().type != TokenType::kText) return;
    std::string& text = tokens_.back().value;
    text.resize(js_trim_end(text).size());
    if (text.empty()) tokens_.pop_back();
  }

  void skip_leading_whitespace() {
    size_t width = 0;
    while (js_whitespace_at(src_, pos_, &width)) pos_ += width;
  }

  // The reference's consumeWhile(isWhitespace) fails when the input ends inside a tag.
  void skip_whitespace_inside_tag() {
    size_t width = 0;
    while (js_whitespace_at(src_, pos_, &width)) {
      pos_ += width;
      if (pos_ >= src_.size()) fail_here("the template ends inside a tag");
    }
  }

  bool consume_tag_closing_with_strip() {
    if (at(pos_) != '-' || at(pos_ + 2) != '}') return false;
    const char next = at(pos_ + 1);
    if (next != '%' && next != '}') return false;
    if (next == '%') {
      push(TokenType::kCloseStatement, "%}", pos_);
    } else {
      push(TokenType::kCloseExpression, "}}", pos_);
    }
    pos_ += 3;
    skip_leading_whitespace();
    return true;
  }

  std::string consume_digits() {
    const size_t start = pos_;
    while (is_digit(at(pos_))) {
      if (++pos_ >= src_.size()) fail_here("the template ends inside a tag");
    }
    return src_.substr(start, pos_ - start);
  }

  // A '+' or '-' that cannot be a binary operator is a sign: folded into a following number
  // literal, otherwise a unary operator.
  bool consume_sign() {
    const auto last = last_type();
    if (!last || *last == TokenType::kText)
      fail_here(std::string("unexpected character '") + at(pos_) + "'");
    switch (*last) {
      case TokenType::kIdentifier:
      case TokenType::kNumericLiteral:
      case TokenType::kStringLiteral:
      case TokenType::kCloseParen:
      case TokenType::kCloseSquareBracket:
        return false;  // binary operator
      default:
        break;
    }
    const size_t start = pos_;
    const char sign = at(pos_++);
    std::string number = consume_digits();
    if (!number.empty() && at(pos_) == '.' && is_digit(at(pos_ + 1))) {
      ++pos_;
      number += "." + consume_digits();
    }
    const TokenType type = number.empty() ? TokenType::kUnaryOperator : TokenType::kNumericLiteral;
    push(type, sign + number, start);
    return true;
  }

  bool consume_rule() {
    for (const Rule& rule : kRules) {
      if (rule.text == "}}" && curly_depth_ > 0) continue;  // "}}" closing an object literal
      if (src_.compare(pos_, rule.text.size(), rule.text) != 0) continue;
      push(rule.type, std::string(rule.text), pos_);
      if (rule.type == TokenType::kOpenExpression) curly_depth_ = 0;
      if (rule.type == TokenType::kOpenCurlyBracket) ++curly_depth_;
      if (rule.type == TokenType::kCloseCurlyBracket) --curly_depth_;
      pos_ += rule.text.size();
      return true;
    }
    return false;
  }

  void consume_string_literal(char quote) {
    const size_t start = pos_++;
    std::string value;
    while (true) {
      if (pos_ >= src_.size()) throw TemplateFailure("string literal is never closed", start);
      const char c = src_[pos_];
      if (c == quote) break;
      ++pos_;
      if (c != '\\') {
        value += c;
        continue;
      }
      if (pos_ >= src_.size()) throw TemplateFailure("string literal is never closed", start);
      append_escape(value);
    }
    ++pos_;  // closing quote
    push(TokenType::kStringLiteral, std::move(value), start);
  }

  unsigned read_hex(size_t digits) {
    const std::string hex = src_.substr(pos_, digits);
    if (hex.size() != digits ||
        hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      fail_here("invalid hexadecimal escape sequence '\\" + std::string(1, at(pos_ - 1)) + hex +
                "'");
    }
    pos_ += digits;
    return unsigned(std::stoul(hex, nullptr, 16));
  }

  void append_escape(std::string& value) {
    const char escaped = src_[pos_++];
    if (escaped == 'x') return append_utf8(value, read_hex(2));
    if (escaped == 'u') return append_unicode_escape(value);
    const auto simple = simple_escape(escaped);
    if (!simple) fail_here(std::string("unexpected escaped character '") + escaped + "'");
    value += *simple;
  }

  void append_unicode_escape(std::string& value) {
    const unsigned unit = read_hex(4);
    if (unit < 0xD800 || unit > 0xDFFF) return append_utf8(value, unit);
    const bool pair_follows = unit < 0xDC00 && src_.compare(pos_, 2, "\\u") == 0;
    if (pair_follows) {
      pos_ += 2;
      const unsigned low = read_hex(4);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        return append_utf8(value, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
      }
    }
    fail_unsupported("a '\\u' escape of a lone UTF-16 surrogate");
  }

  void consume_number() {
    const size_t start = pos_;
    std::string number = consume_digits();
    if (last_type() != TokenType::kDot && at(pos_) == '.' && is_digit(at(pos_ + 1))) {
      ++pos_;
      number += "." + consume_digits();
    }
    push(TokenType::kNumericLiteral, std::move(number), start);
  }

  void consume_word() {
    const size_t start = pos_;
    while (is_word(at(pos_))) {
      if (++pos_ >= src_.size()) fail_here("the template ends inside a tag");
    }
    push(TokenType::kIdentifier, src_.substr(start, pos_ - start), start);
  }
};

}  // namespace

std::vector<Token> tokenize(const std::string& text) { return Lexer(text).run(); }

std::string describe(TokenType type) {
  switch (type) {
    case TokenType::kText:
      return "text";
    case TokenType::kNumericLiteral:
      return "a number";
    case TokenType::kStringLiteral:
      return "a string";
    case TokenType::kIdentifier:
      return "a name";
    case TokenType::kEquals:
      return "'='";
    case TokenType::kOpenParen:
      return "'('";
    case TokenType::kCloseParen:
      return "')'";
    case TokenType::kOpenStatement:
      return "'{%'";
    case TokenType::kCloseStatement:
      return "'%}'";
    case TokenType::kOpenExpression:
      return "'{{'";
    case TokenType::kCloseExpression:
      return "'}}'";
    case TokenType::kOpenSquareBracket:
      return "'['";
    case TokenType::kCloseSquareBracket:
      return "']'";
    case TokenType::kOpenCurlyBracket:
      return "'{'";
    case TokenType::kCloseCurlyBracket:
      return "'}'";
    case TokenType::kComma:
      return "','";
    case TokenType::kDot:
      return "'.'";
    case TokenType::kColon:
      return "':'";
    case TokenType::kPipe:
      return "'|'";
    case TokenType::kAdditiveOperator:
      return "an operator";
    case TokenType::kMultiplicativeOperator:
      return "an operator";
    case TokenType::kExponentiationOperator:
      return "'**'";
    case TokenType::kComparisonOperator:
      return "a comparison";
    case TokenType::kUnaryOperator:
      return "a sign";
    case TokenType::kComment:
      return "a comment";
  }
  return "a token";
}

}  // namespace tb::jinja
