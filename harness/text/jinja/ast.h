// The syntax tree of a template, node for node the one @huggingface/jinja 0.5.13 builds
// (src/ast.ts), minus the `call` block, which the parser refuses. Every node keeps the byte offset
// (in the preprocessed text) of the token that best names it, so evaluation errors can say where
// they happened.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tb::jinja {

enum class NodeKind {
  // statements
  kText,
  kComment,
  kIf,
  kFor,
  kSet,
  kBreak,
  kContinue,
  kFilterStatement,
  kMacro,
  // expressions
  kIdentifier,
  kIntegerLiteral,
  kFloatLiteral,
  kStringLiteral,
  kArrayLiteral,
  kTupleLiteral,
  kObjectLiteral,
  kMember,
  kSlice,
  kCall,
  kKeywordArgument,
  kSpread,
  kKeywordSpread,
  kBinary,
  kUnary,
  kFilter,
  kTest,
  kSelect,
  kTernary,
};

struct Node;
using NodePtr = std::unique_ptr<Node>;
using NodeList = std::vector<NodePtr>;

struct Node {
  Node(NodeKind kind, size_t offset) : kind(kind), offset(offset) {}
  virtual ~Node() = default;
  NodeKind kind;
  size_t offset;
};

// Text outside tags, and string literals.
struct TextNode : Node {
  TextNode(NodeKind kind, size_t offset, std::string text)
      : Node(kind, offset), text(std::move(text)) {}
  std::string text;
};

struct IfNode : Node {
  IfNode(size_t offset) : Node(NodeKind::kIf, offset) {}
  NodePtr test;
  NodeList body;
  NodeList alternate;  // an `elif` is a nested IfNode here
};

struct ForNode : Node {
  ForNode(size_t offset) : Node(NodeKind::kFor, offset) {}
  NodePtr target;    // IdentifierNode or a tuple literal of them
  NodePtr iterable;  // a SelectNode for `for x in xs if cond`
  NodeList body;
  NodeList otherwise;  // `{% else %}`: rendered when no iteration completed
};

struct SetNode : Node {
  SetNode(size_t offset) : Node(NodeKind::kSet, offset) {}
  NodePtr target;
  NodePtr value;  // null for `{% set x %}...{% endset %}`
  NodeList body;
};

struct FilterStatementNode : Node {
  FilterStatementNode(size_t offset) : Node(NodeKind::kFilterStatement, offset) {}
  NodePtr filter;  // IdentifierNode or CallNode
  NodeList body;
};

// `{% macro name(a, b=default) %}...{% endmacro %}`.
struct MacroNode : Node {
  MacroNode(size_t offset) : Node(NodeKind::kMacro, offset) {}
  std::string name;
  NodeList parameters;  // IdentifierNode, or KeywordArgumentNode for one with a default
  NodeList body;
};

struct IdentifierNode : Node {
  IdentifierNode(size_t offset, std::string name)
      : Node(NodeKind::kIdentifier, offset), name(std::move(name)) {}
  std::string name;
};

struct NumberNode : Node {
  NumberNode(NodeKind kind, size_t offset, double value) : Node(kind, offset), value(value) {}
  double value;
};

// Array and tuple literals, argument lists of spreads.
struct ListNode : Node {
  ListNode(NodeKind kind, size_t offset) : Node(kind, offset) {}
  NodeList items;
};

struct ObjectLiteralNode : Node {
  ObjectLiteralNode(size_t offset) : Node(NodeKind::kObjectLiteral, offset) {}
  std::vector<std::pair<NodePtr, NodePtr>> entries;
};

struct MemberNode : Node {
  MemberNode(size_t offset) : Node(NodeKind::kMember, offset) {}
  NodePtr object;
  NodePtr property;
  bool computed = false;  // obj[expr] rather than obj.name
};

struct SliceNode : Node {
  SliceNode(size_t offset) : Node(NodeKind::kSlice, offset) {}
  NodePtr start, stop, step;  // each may be null
};

struct CallNode : Node {
  CallNode(size_t offset) : Node(NodeKind::kCall, offset) {}
  NodePtr callee;
  NodeList args;  // expressions, KeywordArgumentNode, SpreadNode (kSpread / kKeywordSpread)
};

struct KeywordArgumentNode : Node {
  KeywordArgumentNode(size_t offset, std::string key, NodePtr value)
      : Node(NodeKind::kKeywordArgument, offset), key(std::move(key)), value(std::move(value)) {}
  std::string key;
  NodePtr value;
};

struct SpreadNode : Node {
  SpreadNode(NodeKind kind, size_t offset, NodePtr argument)
      : Node(kind, offset), argument(std::move(argument)) {}
  NodePtr argument;
};

struct BinaryNode : Node {
  BinaryNode(size_t offset, std::string op, NodePtr left, NodePtr right)
      : Node(NodeKind::kBinary, offset),
        op(std::move(op)),
        left(std::move(left)),
        right(std::move(right)) {}
  std::string op;  // "+", "and", "not in", ...
  NodePtr left, right;
};

struct UnaryNode : Node {
  UnaryNode(size_t offset, std::string op, NodePtr argument)
      : Node(NodeKind::kUnary, offset), op(std::move(op)), argument(std::move(argument)) {}
  std::string op;  // "not", "-", "+"
  NodePtr argument;
};

struct FilterNode : Node {
  FilterNode(size_t offset, NodePtr operand, NodePtr filter)
      : Node(NodeKind::kFilter, offset), operand(std::move(operand)), filter(std::move(filter)) {}
  NodePtr operand;
  NodePtr filter;  // IdentifierNode or CallNode whose callee is an IdentifierNode
};

struct TestNode : Node {
  TestNode(size_t offset, NodePtr operand, bool negate, std::string test)
      : Node(NodeKind::kTest, offset),
        operand(std::move(operand)),
        negate(negate),
        test(std::move(test)) {}
  NodePtr operand;
  bool negate;
  std::string test;
};

// `a if cond` without `else`: a when cond holds, otherwise undefined.
struct SelectNode : Node {
  SelectNode(size_t offset, NodePtr value, NodePtr test)
      : Node(NodeKind::kSelect, offset), value(std::move(value)), test(std::move(test)) {}
  NodePtr value, test;
};

struct TernaryNode : Node {
  TernaryNode(size_t offset) : Node(NodeKind::kTernary, offset) {}
  NodePtr condition, if_true, if_false;
};

template <typename T>
const T& as(const Node& node) {
  return static_cast<const T&>(node);
}

}  // namespace tb::jinja
