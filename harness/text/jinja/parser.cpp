// Port of `parse` in @huggingface/jinja 0.5.13 src/parser.ts (see parser.h). Choices: where the
// reference would crash on a missing closing tag (reading past the last token) we report which
// tag is missing; `call` blocks, and macros that use caller/varargs/kwargs, are refused rather
// than half supported.
#include "harness/text/jinja/parser.h"

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <string>

#include "harness/text/jinja/template_error.h"

namespace tb::jinja {
namespace {

class Parser {
 public:
  explicit Parser(const std::vector<Token>& tokens) : tokens_(tokens) {}

  NodeList run() {
    NodeList program;
    while (current_ < tokens_.size()) program.push_back(parse_any());
    return program;
  }

 private:
  const std::vector<Token>& tokens_;
  size_t current_ = 0;

  size_t end_offset() const { return tokens_.empty() ? 0 : tokens_.back().offset; }
  size_t offset() const {
    return current_ < tokens_.size() ? tokens_[current_].offset : end_offset();
  }
  [[noreturn]] void fail_at(size_t at, const std::string& message) const {
    throw TemplateFailure(message, at);
  }
  const Token& peek(size_t ahead = 0) const {
    if (current_ + ahead >= tokens_.size()) fail_at(end_offset(), "unexpected end of template");
    return tokens_[current_ + ahead];
  }
  bool is(TokenType type, size_t ahead = 0) const {
    return current_ + ahead < tokens_.size() && tokens_[current_ + ahead].type == type;
  }
  bool is_identifier(const std::string& name, size_t ahead = 0) const {
    return is(TokenType::kIdentifier, ahead) && tokens_[current_ + ahead].value == name;
  }
  bool is_statement(std::initializer_list<const char*> names) const {
    if (!is(TokenType::kOpenStatement) || !is(TokenType::kIdentifier, 1)) return false;
    for (const char* name : names) {
      if (tokens_[current_ + 1].value == name) return true;
    }
    return false;
  }
  const Token& expect(TokenType type, const std::string& what) {
    const Token& token = peek();
    if (token.type != type) {
      fail_at(token.offset,
              "expected " + what + ", found " + describe(token.type) +
                  (token.type == TokenType::kIdentifier ? " '" + token.value + "'" : ""));
    }
    ++current_;
    return token;
  }
  void expect_identifier(const std::string& name) {
    if (!is_identifier(name)) fail_at(offset(), "expected '" + name + "'");
    ++current_;
  }
  void expect_end_tag(const std::string& name) {
    expect(TokenType::kOpenStatement, "'{%'");
    expect_identifier(name);
    expect(TokenType::kCloseStatement, "'%}'");
  }

  // Statements until one of `names` opens a tag; `opening` is where the block began.
  NodeList parse_block_until(std::initializer_list<const char*> names, const std::string& closer,
                             size_t opening) {
    NodeList body;
    while (!is_statement(names)) {
      if (current_ >= tokens_.size()) fail_at(opening, "this block is never closed with " + closer);
      body.push_back(parse_any());
    }
    return body;
  }

  NodePtr parse_any() {
    const Token& token = peek();
    switch (token.type) {
      case TokenType::kComment:
        ++current_;
        return std::make_unique<TextNode>(NodeKind::kComment, token.offset, token.value);
      case TokenType::kText:
        ++current_;
        return std::make_unique<TextNode>(NodeKind::kText, token.offset, token.value);
      case TokenType::kOpenStatement:
        return parse_statement();
      case TokenType::kOpenExpression: {
        ++current_;
        NodePtr expression = parse_expression();
        expect(TokenType::kCloseExpression, "'}}'");
        return expression;
      }
      default:
        fail_at(token.offset, "unexpected " + describe(token.type));
    }
  }

  NodePtr parse_statement() {
    const size_t start = peek().offset;
    ++current_;  // {%
    const Token& name_token = peek();
    if (name_token.type != TokenType::kIdentifier) {
      fail_at(name_token.offset,
              "expected a statement name after '{%', found " + describe(name_token.type));
    }
    const std::string& name = name_token.value;
    ++current_;
    if (name == "set") return parse_set(start);
    if (name == "if") {
      NodePtr node = parse_if(start);
      expect_end_tag("endif");
      return node;
    }
    if (name == "for") {
      NodePtr node = parse_for(start);
      expect_end_tag("endfor");
      return node;
    }
    if (name == "break" || name == "continue") {
      expect(TokenType::kCloseStatement, "'%}'");
      return std::make_unique<Node>(name == "break" ? NodeKind::kBreak : NodeKind::kContinue,
                                    start);
    }
    if (name == "filter") return parse_filter_statement(start);
    if (name == "macro") return parse_macro(start);
    if (name == "call") {
      throw TemplateFailure(
          "the '" + name + "' statement is not supported by tunebench's Jinja engine",
          name_token.offset);
    }
    fail_at(name_token.offset, "unknown statement '" + name + "'");
  }

  NodePtr parse_macro(size_t start) {
    const size_t first_token = current_;
    auto node = std::make_unique<MacroNode>(start);
    const size_t name_offset = offset();
    NodePtr name = parse_primary();
    if (name->kind != NodeKind::kIdentifier)
      fail_at(name_offset, "expected the macro's name after 'macro'");
    node->name = as<IdentifierNode>(*name).name;
    node->parameters = parse_parameters();
    expect(TokenType::kCloseStatement, "'%}'");
    node->body = parse_block_until({"endmacro"}, "{% endmacro %}", start);
    expect_end_tag("endmacro");
    refuse_special_macro_names(first_token);
    return node;
  }

  // Jinja gives a macro that mentions `caller`, `varargs` or `kwargs` extra arguments; the
  // reference decides which by a scope analysis tunebench does not reproduce.
  void refuse_special_macro_names(size_t first_token) const {
    for (size_t i = first_token; i < current_; ++i) {
      const Token& token = tokens_[i];
      if (token.type != TokenType::kIdentifier) continue;
      if (token.value == "caller" || token.value == "varargs" || token.value == "kwargs") {
        throw TemplateFailure(
            "a macro that uses '" + token.value + "' is not supported by tunebench's Jinja engine",
            token.offset);
      }
    }
  }

  NodeList parse_parameters() {
    expect(TokenType::kOpenParen, "'(' after the macro's name");
    NodeList parameters;
    std::vector<std::string> names;
    bool saw_default = false;
    while (!is(TokenType::kCloseParen)) {
      const size_t at = offset();
      if (is(TokenType::kExponentiationOperator) || is(TokenType::kMultiplicativeOperator)) {
        fail_at(at, "argument unpacking is not allowed in parameter declarations");
      }
      NodePtr parameter = parse_expression();
      if (parameter->kind != NodeKind::kIdentifier) fail_at(at, "expected a parameter name");
      const std::string name = as<IdentifierNode>(*parameter).name;
      if (is(TokenType::kEquals)) {
        ++current_;
        parameter = std::make_unique<KeywordArgumentNode>(at, name, parse_expression());
        saw_default = true;
      } else if (saw_default) {
        fail_at(at, "a parameter without a default follows one with a default");
      }
      if (std::find(names.begin(), names.end(), name) != names.end())
        fail_at(at, "duplicate parameter '" + name + "'");
      names.push_back(name);
      parameters.push_back(std::move(parameter));
      if (is(TokenType::kComma)) ++current_;
    }
    expect(TokenType::kCloseParen, "')'");
    return parameters;
  }

  NodePtr parse_set(size_t start) {
    auto node = std::make_unique<SetNode>(start);
    node->target = parse_expression_sequence(false);
    if (is(TokenType::kEquals)) {
      ++current_;
      node->value = parse_expression_sequence(false);
    } else {
      expect(TokenType::kCloseStatement, "'%}' or '='");
      node->body = parse_block_until({"endset"}, "{% endset %}", start);
      ++current_;  // {%
      expect_identifier("endset");
    }
    expect(TokenType::kCloseStatement, "'%}'");
    return node;
  }

  NodePtr parse_if(size_t start) {
    auto node = std::make_unique<IfNode>(start);
    node->test = parse_expression();
    expect(TokenType::kCloseStatement, "'%}'");
    node->body = parse_block_until({"elif", "else", "endif"}, "{% endif %}", start);
    if (is_statement({"elif"})) {
      const size_t elif = peek().offset;
      current_ += 2;
      node->alternate.push_back(parse_if(elif));
    } else if (is_statement({"else"})) {
      current_ += 2;
      expect(TokenType::kCloseStatement, "'%}'");
      node->alternate = parse_block_until({"endif"}, "{% endif %}", start);
    }
    return node;
  }

  NodePtr parse_for(size_t start) {
    auto node = std::make_unique<ForNode>(start);
    node->target = parse_expression_sequence(true);
    if (node->target->kind != NodeKind::kIdentifier &&
        node->target->kind != NodeKind::kTupleLiteral) {
      fail_at(node->target->offset, "expected a name or names for the loop variable");
    }
    if (!is_identifier("in")) fail_at(offset(), "expected 'in' after the loop variable");
    ++current_;
    node->iterable = parse_expression();
    expect(TokenType::kCloseStatement, "'%}'");
    node->body = parse_block_until({"endfor", "else"}, "{% endfor %}", start);
    if (is_statement({"else"})) {
      current_ += 2;
      expect(TokenType::kCloseStatement, "'%}'");
      node->otherwise = parse_block_until({"endfor"}, "{% endfor %}", start);
    }
    return node;
  }

  NodePtr parse_filter_statement(size_t start) {
    auto node = std::make_unique<FilterStatementNode>(start);
    node->filter = parse_primary();
    if (node->filter->kind == NodeKind::kIdentifier && is(TokenType::kOpenParen)) {
      node->filter = parse_call(std::move(node->filter));
    }
    expect(TokenType::kCloseStatement, "'%}'");
    node->body = parse_block_until({"endfilter"}, "{% endfilter %}", start);
    expect_end_tag("endfilter");
    return node;
  }

  NodePtr parse_expression_sequence(bool primary) {
    const size_t start = offset();
    auto next = [&] { return primary ? parse_primary() : parse_expression(); };
    NodePtr first = next();
    if (!is(TokenType::kComma)) return first;
    auto tuple = std::make_unique<ListNode>(NodeKind::kTupleLiteral, start);
    tuple->items.push_back(std::move(first));
    while (true) {
      ++current_;  // ,
      tuple->items.push_back(next());
      if (!is(TokenType::kComma)) break;
    }
    return tuple;
  }

  NodePtr parse_expression() { return parse_if_expression(); }

  NodePtr parse_if_expression() {
    NodePtr value = parse_or();
    if (!is_identifier("if")) return value;
    const size_t at = peek().offset;
    ++current_;
    NodePtr test = parse_or();
    if (!is_identifier("else"))
      return std::make_unique<SelectNode>(at, std::move(value), std::move(test));
    ++current_;
    auto ternary = std::make_unique<TernaryNode>(at);
    ternary->condition = std::move(test);
    ternary->if_true = std::move(value);
    ternary->if_false = parse_if_expression();
    return ternary;
  }

  NodePtr parse_or() {
    NodePtr left = parse_and();
    while (is_identifier("or")) {
      const size_t at = peek().offset;
      ++current_;
      left = std::make_unique<BinaryNode>(at, "or", std::move(left), parse_and());
    }
    return left;
  }

  NodePtr parse_and() {
    NodePtr left = parse_not();
    while (is_identifier("and")) {
      const size_t at = peek().offset;
      ++current_;
      left = std::make_unique<BinaryNode>(at, "and", std::move(left), parse_not());
    }
    return left;
  }

  NodePtr parse_not() {
    NodePtr result;
    while (is_identifier("not")) {
      const size_t at = peek().offset;
      ++current_;
      result = std::make_unique<UnaryNode>(at, "not", parse_not());
    }
    return result ? std::move(result) : parse_comparison();
  }

  NodePtr parse_comparison() {
    NodePtr left = parse_additive();
    while (true) {
      const size_t at = offset();
      std::string op;
      if (is_identifier("not") && is_identifier("in", 1)) {
        op = "not in";
        current_ += 2;
      } else if (is_identifier("in")) {
        op = "in";
        ++current_;
      } else if (is(TokenType::kComparisonOperator)) {
        op = tokens_[current_++].value;
      } else {
        break;
      }
      left = std::make_unique<BinaryNode>(at, op, std::move(left), parse_additive());
    }
    return left;
  }

  NodePtr parse_binary_level(TokenType type, NodePtr (Parser::*next)()) {
    NodePtr left = (this->*next)();
    while (is(type)) {
      const Token& op = tokens_[current_++];
      left = std::make_unique<BinaryNode>(op.offset, op.value, std::move(left), (this->*next)());
    }
    return left;
  }
  NodePtr parse_additive() {
    return parse_binary_level(TokenType::kAdditiveOperator, &Parser::parse_multiplicative);
  }
  NodePtr parse_multiplicative() {
    return parse_binary_level(TokenType::kMultiplicativeOperator, &Parser::parse_power);
  }
  // Left-associative, as in Jinja: 2 ** 3 ** 2 == (2 ** 3) ** 2.
  NodePtr parse_power() {
    return parse_binary_level(TokenType::kExponentiationOperator, &Parser::parse_test);
  }

  NodePtr parse_test() {
    NodePtr operand = parse_filter();
    while (is_identifier("is")) {
      ++current_;
      const bool negate = is_identifier("not");
      if (negate) ++current_;
      const size_t at = offset();
      NodePtr test = parse_primary();
      if (test->kind != NodeKind::kIdentifier)
        fail_at(at, "expected the name of a test after 'is'");
      operand = std::make_unique<TestNode>(at, std::move(operand), negate,
                                           as<IdentifierNode>(*test).name);
    }
    return operand;
  }

  NodePtr parse_filter() {
    NodePtr operand = parse_unary_sign();
    while (is(TokenType::kPipe)) {
      ++current_;
      const size_t at = offset();
      NodePtr filter = parse_primary();
      if (filter->kind != NodeKind::kIdentifier)
        fail_at(at, "expected the name of a filter after '|'");
      if (is(TokenType::kOpenParen)) filter = parse_call(std::move(filter));
      operand = std::make_unique<FilterNode>(at, std::move(operand), std::move(filter));
    }
    return operand;
  }

  NodePtr parse_unary_sign() {
    if (current_ < tokens_.size()) {
      const Token& token = tokens_[current_];
      const bool sign_token =
          token.type == TokenType::kUnaryOperator || token.type == TokenType::kAdditiveOperator;
      if (sign_token && (token.value == "-" || token.value == "+")) {
        ++current_;
        return std::make_unique<UnaryNode>(token.offset, token.value, parse_unary_sign());
      }
    }
    NodePtr member = parse_member(parse_primary());
    return is(TokenType::kOpenParen) ? parse_call(std::move(member)) : std::move(member);
  }

  NodePtr parse_call(NodePtr callee) {
    auto call = std::make_unique<CallNode>(callee->offset);  // errors point at the callee
    call->callee = std::move(callee);
    call->args = parse_arguments();
    NodePtr expression = parse_member(std::move(call));
    return is(TokenType::kOpenParen) ? parse_call(std::move(expression)) : std::move(expression);
  }

  NodeList parse_arguments() {
    expect(TokenType::kOpenParen, "'('");
    NodeList args;
    bool saw_keyword = false, saw_spread = false;
    while (!is(TokenType::kCloseParen)) {
      const size_t at = offset();
      if (is(TokenType::kExponentiationOperator)) {
        ++current_;
        args.push_back(
            std::make_unique<SpreadNode>(NodeKind::kKeywordSpread, at, parse_expression()));
        if (is(TokenType::kComma)) ++current_;
        if (!is(TokenType::kCloseParen))
          fail_at(offset(), "'**' must be applied to the last argument");
        break;
      }
      if (is(TokenType::kMultiplicativeOperator) && peek().value == "*") {
        if (saw_spread) fail_at(at, "only one '*' argument unpacking is allowed");
        saw_spread = true;
        ++current_;
        args.push_back(std::make_unique<SpreadNode>(NodeKind::kSpread, at, parse_expression()));
      } else {
        NodePtr argument = parse_expression();
        if (is(TokenType::kEquals)) {
          ++current_;
          if (argument->kind != NodeKind::kIdentifier)
            fail_at(at, "expected a name for a keyword argument");
          argument = std::make_unique<KeywordArgumentNode>(at, as<IdentifierNode>(*argument).name,
                                                           parse_expression());
        }
        if (argument->kind == NodeKind::kKeywordArgument) {
          saw_keyword = true;
        } else if (saw_keyword) {
          fail_at(at, "positional arguments must come before keyword arguments");
        } else if (saw_spread) {
          fail_at(at, "positional arguments must not follow '*' argument unpacking");
        }
        args.push_back(std::move(argument));
      }
      if (is(TokenType::kComma)) ++current_;
    }
    expect(TokenType::kCloseParen, "')'");
    return args;
  }

  // The inside of `[...]` after an expression: an index or a slice start:stop:step.
  NodePtr parse_subscript(size_t at) {
    std::vector<NodePtr> parts;
    bool is_slice = false;
    while (!is(TokenType::kCloseSquareBracket)) {
      if (current_ >= tokens_.size()) fail_at(at, "'[' is never closed");
      if (is(TokenType::kColon)) {
        parts.push_back(nullptr);
        ++current_;
        is_slice = true;
      } else {
        parts.push_back(parse_expression());
        if (is(TokenType::kColon)) {
          ++current_;
          is_slice = true;
        }
      }
    }
    if (parts.empty()) fail_at(at, "expected an index or a slice inside '[]'");
    if (!is_slice) return std::move(parts[0]);
    if (parts.size() > 3) fail_at(at, "a slice takes at most three parts (start:stop:step)");
    auto slice = std::make_unique<SliceNode>(at);
    parts.resize(3);
    slice->start = std::move(parts[0]);
    slice->stop = std::move(parts[1]);
    slice->step = std::move(parts[2]);
    return slice;
  }

  NodePtr parse_member(NodePtr object) {
    while (is(TokenType::kDot) || is(TokenType::kOpenSquareBracket)) {
      const Token& op = tokens_[current_++];
      auto member = std::make_unique<MemberNode>(op.offset);
      member->computed = op.type == TokenType::kOpenSquareBracket;
      if (member->computed) {
        member->property = parse_subscript(op.offset);
        expect(TokenType::kCloseSquareBracket, "']'");
      } else {
        member->property = parse_primary();
        if (member->property->kind != NodeKind::kIdentifier &&
            member->property->kind != NodeKind::kIntegerLiteral) {
          fail_at(op.offset, "expected a name or an integer after '.'");
        }
      }
      member->object = std::move(object);
      object = std::move(member);
    }
    return object;
  }

  NodePtr parse_primary() {
    const Token& token = peek();
    ++current_;
    switch (token.type) {
      case TokenType::kNumericLiteral: {
        const bool is_float = token.value.find('.') != std::string::npos;
        return std::make_unique<NumberNode>(
            is_float ? NodeKind::kFloatLiteral : NodeKind::kIntegerLiteral, token.offset,
            std::strtod(token.value.c_str(), nullptr));
      }
      case TokenType::kStringLiteral: {
        std::string value = token.value;  // adjacent literals concatenate: 'a' "b"
        while (is(TokenType::kStringLiteral)) value += tokens_[current_++].value;
        return std::make_unique<TextNode>(NodeKind::kStringLiteral, token.offset, std::move(value));
      }
      case TokenType::kIdentifier:
        return std::make_unique<IdentifierNode>(token.offset, token.value);
      case TokenType::kOpenParen: {
        NodePtr expression = parse_expression_sequence(false);
        expect(TokenType::kCloseParen, "')'");
        return expression;
      }
      case TokenType::kOpenSquareBracket:
        return parse_array_literal(token.offset);
      case TokenType::kOpenCurlyBracket:
        return parse_object_literal(token.offset);
      default:
        fail_at(token.offset, "unexpected " + describe(token.type));
    }
  }

  NodePtr parse_array_literal(size_t at) {
    auto array = std::make_unique<ListNode>(NodeKind::kArrayLiteral, at);
    while (!is(TokenType::kCloseSquareBracket)) {
      if (current_ >= tokens_.size()) fail_at(at, "'[' is never closed");
      array->items.push_back(parse_expression());
      if (is(TokenType::kComma)) ++current_;
    }
    ++current_;
    return array;
  }

  NodePtr parse_object_literal(size_t at) {
    auto object = std::make_unique<ObjectLiteralNode>(at);
    while (!is(TokenType::kCloseCurlyBracket)) {
      if (current_ >= tokens_.size()) fail_at(at, "'{' is never closed");
      NodePtr key = parse_expression();
      expect(TokenType::kColon, "':' between key and value");
      object->entries.emplace_back(std::move(key), parse_expression());
      if (is(TokenType::kComma)) ++current_;
    }
    ++current_;
    return object;
  }
};

}  // namespace

NodeList parse(const std::vector<Token>& tokens) { return Parser(tokens).run(); }

}  // namespace tb::jinja
