// The interpreter (see evaluator.h), a port of Interpreter in @huggingface/jinja 0.5.13
// src/runtime.ts: renderBlock/renderIf/renderFor/executeSet for statements, evaluate* for
// expressions, and slicing from src/utils.ts. Operators, filters, tests and methods live in
// their own files.
#include "harness/text/jinja/evaluator.h"

#include <algorithm>
#include <cmath>

#include "harness/text/jinja/arguments.h"
#include "harness/text/jinja/filters.h"
#include "harness/text/jinja/is_tests.h"
#include "harness/text/jinja/methods.h"
#include "harness/text/jinja/operators.h"
#include "harness/text/jinja/template_error.h"
#include "harness/text/jinja/unicode_text.h"
#include "harness/text/jinja/value_text.h"

namespace tb::jinja {
namespace {

struct BreakSignal {
  size_t offset;
};
struct ContinueSignal {
  size_t offset;
};

Value evaluate(const Node& node, Environment& env);
std::string render_block(const NodeList& statements, Environment& env);

EvaluateFn evaluator_in(Environment& env) {
  return [&env](const Node& node) { return evaluate(node, env); };
}

// Python-style slice bounds as utils.ts `slice` computes them.
std::vector<size_t> slice_indices(size_t size, const Value& start, const Value& stop,
                                  const Value& step) {
  const double n = double(size);
  const double by = step.is(Kind::kUndefined) ? 1 : step.number();
  if (by == 0) fail("slice step cannot be zero");
  double from = 0, to = 0;
  if (by > 0) {
    from = start.is(Kind::kUndefined) ? 0 : start.number();
    to = stop.is(Kind::kUndefined) ? n : stop.number();
    from = from < 0 ? std::max(n + from, 0.0) : std::min(from, n);
    to = to < 0 ? std::max(n + to, 0.0) : std::min(to, n);
  } else {
    from = start.is(Kind::kUndefined) ? n - 1 : start.number();
    to = stop.is(Kind::kUndefined) ? -1 : stop.number();
    from = from < 0 ? std::max(n + from, -1.0) : std::min(from, n - 1);
    to = to < -1 ? std::max(n + to, -1.0) : std::min(to, n - 1);
  }
  std::vector<size_t> indices;
  const double direction = by > 0 ? 1 : -1;
  for (double i = from; direction * i < direction * to; i += by) indices.push_back(size_t(i));
  return indices;
}

Value evaluate_slice(const Value& object, const SliceNode& slice, Environment& env) {
  if (!object.is_array_like() && !object.is(Kind::kString))
    fail("only lists and strings can be sliced, not " + a_type_name(object));
  const auto bound = [&](const NodePtr& node, const char* what) {
    const Value v = node ? evaluate(*node, env) : Value();
    if (!v.is(Kind::kInteger) && !v.is(Kind::kUndefined))
      fail(std::string("slice ") + what + " must be an integer");
    return v;
  };
  const Value start = bound(slice.start, "start"), stop = bound(slice.stop, "stop"),
              step = bound(slice.step, "step");
  if (object.is_array_like()) {
    ValueList items;
    for (size_t i : slice_indices(object.items().size(), start, stop, step))
      items.push_back(object.items()[i]);
    return Value::array(std::move(items));
  }
  const auto characters = code_points(object.str());  // strings slice by code point
  std::string out;
  for (size_t i : slice_indices(characters.size(), start, stop, step)) out += characters[i];
  return Value::string(std::move(out));
}

// `s[i]`: one UTF-16 code unit, as String.prototype.at.
Value string_at(const std::string& text, double index) {
  if (std::isnan(index)) index = 0;
  const double length = double(utf16_length(text));
  const double i = index < 0 ? length + std::trunc(index) : std::trunc(index);
  if (i < 0 || i >= length) return Value();
  double unit = 0;
  for (std::string_view cp : code_points(text)) {
    size_t width = 0;
    const double units = decode_utf8(cp, 0, &width) >= 0x10000 ? 2 : 1;
    if (i < unit + units) {
      if (units == 2)
        fail_unsupported("indexing into half of a character outside the Basic Multilingual Plane");
      return Value::string(std::string(cp));
    }
    unit += units;
  }
  return Value();
}

Value list_at(const ValueList& items, double index) {
  if (std::isnan(index)) index = 0;
  const double i = index < 0 ? double(items.size()) + std::trunc(index) : std::trunc(index);
  if (i < 0 || i >= double(items.size())) return Value();
  return items[size_t(i)];
}

Value evaluate_member(const MemberNode& node, Environment& env) {
  const Value object = evaluate(*node.object, env);
  Value property;
  if (node.computed) {
    if (node.property->kind == NodeKind::kSlice)
      return evaluate_slice(object, as<SliceNode>(*node.property), env);
    property = evaluate(*node.property, env);
  } else if (node.property->kind == NodeKind::kIntegerLiteral) {
    property = Value::integer(as<NumberNode>(*node.property).value);
  } else {
    property = Value::string(as<IdentifierNode>(*node.property).name);
  }
  if (object.has_entries()) {
    if (!property.is(Kind::kString))
      fail(a_type_name(object) + " cannot be indexed by " + a_type_name(property));
    if (const Value* found = object.entries().find(property.str())) return *found;
    return object.is_mapping() ? builtin_member(object, property.str()) : Value();
  }
  if (object.is_array_like() || object.is(Kind::kString)) {
    if (property.is(Kind::kInteger)) {
      return object.is(Kind::kString) ? string_at(object.str(), property.number())
                                      : list_at(object.items(), property.number());
    }
    if (property.is(Kind::kString)) return builtin_member(object, property.str());
    fail(a_type_name(object) + " cannot be indexed by " + a_type_name(property));
  }
  if (!property.is(Kind::kString))
    fail(a_type_name(object) + " cannot be indexed by " + a_type_name(property));
  return builtin_member(object, property.str());
}

Value evaluate_call(const CallNode& node, Environment& env) {
  const ValueList args = call_arguments(node.args, evaluator_in(env));
  const Value callee = evaluate(*node.callee, env);
  if (!callee.is(Kind::kFunction)) fail("cannot call " + a_type_name(callee) + ", only functions");
  return callee.function().call(args);
}

Value evaluate_object_literal(const ObjectLiteralNode& node, Environment& env) {
  Entries entries;
  for (const auto& [key_node, value_node] : node.entries) {
    const Value key = evaluate(*key_node, env);
    if (!key.is(Kind::kString)) fail("mapping keys must be strings, not " + a_type_name(key));
    entries.set(key.str(), evaluate(*value_node, env));
  }
  return Value::object(std::move(entries));
}

Value evaluate_list_literal(const ListNode& node, Environment& env) {
  ValueList items;
  for (const NodePtr& item : node.items) items.push_back(evaluate(*item, env));
  return Value::array(std::move(items),
                      node.kind == NodeKind::kTupleLiteral ? Kind::kTuple : Kind::kArray);
}

Value evaluate_binary(const BinaryNode& node, Environment& env) {
  const Value left = evaluate(*node.left, env);
  if (node.op == "and") return left.truthy() ? evaluate(*node.right, env) : left;
  if (node.op == "or") return left.truthy() ? left : evaluate(*node.right, env);
  return binary_operation(node.op, left, evaluate(*node.right, env));
}

Value evaluate_test(const TestNode& node, Environment& env) {
  const Value operand = evaluate(*node.operand, env);
  if (!is_known_test(node.test)) fail("unknown test '" + node.test + "'");
  return Value::boolean(apply_test(node.test, operand, nullptr) != node.negate);
}

Value evaluate_node(const Node& node, Environment& env) {
  switch (node.kind) {
    case NodeKind::kIdentifier:
      return env.lookup(as<IdentifierNode>(node).name);
    case NodeKind::kIntegerLiteral:
      return Value::integer(as<NumberNode>(node).value);
    case NodeKind::kFloatLiteral:
      return Value::floating(as<NumberNode>(node).value);
    case NodeKind::kStringLiteral:
      return Value::string(as<TextNode>(node).text);
    case NodeKind::kBinary:
      return evaluate_binary(as<BinaryNode>(node), env);
    case NodeKind::kMember:
      return evaluate_member(as<MemberNode>(node), env);
    case NodeKind::kCall:
      return evaluate_call(as<CallNode>(node), env);
    case NodeKind::kFilter: {
      const auto& filter = as<FilterNode>(node);
      return apply_filter(evaluate(*filter.operand, env), *filter.filter, evaluator_in(env));
    }
    case NodeKind::kTest:
      return evaluate_test(as<TestNode>(node), env);
    case NodeKind::kTernary: {
      const auto& ternary = as<TernaryNode>(node);
      return evaluate(
          evaluate(*ternary.condition, env).truthy() ? *ternary.if_true : *ternary.if_false, env);
    }
    case NodeKind::kUnary: {
      const auto& unary = as<UnaryNode>(node);
      return unary_operation(unary.op, evaluate(*unary.argument, env));
    }
    case NodeKind::kArrayLiteral:
    case NodeKind::kTupleLiteral:
      return evaluate_list_literal(as<ListNode>(node), env);
    case NodeKind::kObjectLiteral:
      return evaluate_object_literal(as<ObjectLiteralNode>(node), env);
    case NodeKind::kSelect: {
      const auto& select = as<SelectNode>(node);
      return evaluate(*select.test, env).truthy() ? evaluate(*select.value, env) : Value();
    }
    case NodeKind::kFilterStatement: {
      const auto& statement = as<FilterStatementNode>(node);
      return apply_filter(Value::string(render_block(statement.body, env)), *statement.filter,
                          evaluator_in(env));
    }
    case NodeKind::kBreak:
      throw BreakSignal{node.offset};
    case NodeKind::kContinue:
      throw ContinueSignal{node.offset};
    default:
      fail("this expression cannot be evaluated here");
  }
}

// Attaches the node's offset to a failure that has none yet (the innermost node wins).
Value evaluate(const Node& node, Environment& env) {
  try {
    return evaluate_node(node, env);
  } catch (TemplateFailure& failure) {
    if (failure.offset == kUnknownOffset) failure.offset = node.offset;
    throw;
  }
}

void assign(const Node& target, const Value& value, Environment& env) {
  if (target.kind == NodeKind::kIdentifier) return env.set(as<IdentifierNode>(target).name, value);
  if (target.kind == NodeKind::kTupleLiteral) {
    const auto& names = as<ListNode>(target).items;
    if (!value.is_array_like()) fail("cannot unpack " + a_type_name(value) + " in 'set'");
    if (value.items().size() != names.size()) {
      fail(std::string("too ") + (names.size() > value.items().size() ? "few" : "many") +
           " items to unpack in 'set'");
    }
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i]->kind != NodeKind::kIdentifier) fail("'set' can only unpack into names");
      env.set(as<IdentifierNode>(*names[i]).name, value.items()[i]);
    }
    return;
  }
  if (target.kind == NodeKind::kMember) {
    const auto& member = as<MemberNode>(target);
    const Value object = evaluate(*member.object, env);
    if (!object.is(Kind::kNamespace))
      fail("only namespace attributes can be assigned, not attributes of " + a_type_name(object));
    if (member.property->kind != NodeKind::kIdentifier)
      fail("a namespace attribute must be set by name");
    object.entries().set(as<IdentifierNode>(*member.property).name, value);
    return;
  }
  fail("cannot assign to this expression");
}

void execute_set(const SetNode& node, Environment& env) {
  const Value value =
      node.value ? evaluate(*node.value, env) : Value::string(render_block(node.body, env));
  assign(*node.target, value, env);
}

std::string render_if(const IfNode& node, Environment& env) {
  return render_block(evaluate(*node.test, env).truthy() ? node.body : node.alternate, env);
}

void bind_loop_target(const Node& target, const Value& item, Environment& scope) {
  if (target.kind == NodeKind::kIdentifier) return scope.set(as<IdentifierNode>(target).name, item);
  const auto& names = as<ListNode>(target).items;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i]->kind != NodeKind::kIdentifier) fail("a loop can only unpack into names");
    scope.set(as<IdentifierNode>(*names[i]).name, item.items()[i]);
  }
}

Value loop_record(size_t i, const ValueList& items) {
  const double n = double(items.size()), index = double(i);
  Entries loop;
  loop.set("index", Value::integer(index + 1));
  loop.set("index0", Value::integer(index));
  loop.set("revindex", Value::integer(n - index));
  loop.set("revindex0", Value::integer(n - index - 1));
  loop.set("first", Value::boolean(i == 0));
  loop.set("last", Value::boolean(i + 1 == items.size()));
  loop.set("length", Value::integer(n));
  loop.set("previtem", i > 0 ? items[i - 1] : Value());
  loop.set("nextitem", i + 1 < items.size() ? items[i + 1] : Value());
  return Value::object(std::move(loop));
}

// The items a loop visits: unpacking checked for every item up front, `if` applied.
ValueList loop_items(const ForNode& node, const Value& iterable, const Node* test,
                     Environment& scope) {
  const ValueList candidates = iterable.is_mapping()
                                   ? builtin_member(iterable, "keys").function().call({}).items()
                                   : iterable.items();
  if (node.target->kind == NodeKind::kIdentifier && test == nullptr) return candidates;
  ValueList items;
  for (const Value& item : candidates) {
    if (node.target->kind == NodeKind::kTupleLiteral) {
      const size_t expected = as<ListNode>(*node.target).items.size();
      if (!item.is(Kind::kArray))
        fail("cannot unpack " + a_type_name(item) + " into the loop variables");
      if (item.items().size() != expected) {
        fail(std::string("too ") + (expected > item.items().size() ? "few" : "many") +
             " items to unpack in the loop");
      }
    }
    if (test != nullptr) {
      const auto item_scope = Environment::child_of(scope);
      bind_loop_target(*node.target, item, *item_scope);
      if (!evaluate(*test, *item_scope).truthy()) continue;
    }
    items.push_back(item);
  }
  return items;
}

std::string render_for(const ForNode& node, Environment& env) {
  const auto scope_holder = Environment::child_of(env);
  Environment& scope = *scope_holder;
  const Node* test = nullptr;
  Value iterable;
  if (node.iterable->kind == NodeKind::kSelect) {
    const auto& select = as<SelectNode>(*node.iterable);
    iterable = evaluate(*select.value, scope);
    test = select.test.get();
  } else {
    iterable = evaluate(*node.iterable, scope);
  }
  if (!iterable.is_array_like() && !iterable.is_mapping()) {
    throw TemplateFailure("a for loop needs a list or a mapping, not " + a_type_name(iterable),
                          node.iterable->offset);
  }
  const ValueList items = loop_items(node, iterable, test, scope);
  std::string out;
  bool completed_an_iteration = false;
  for (size_t i = 0; i < items.size(); ++i) {
    scope.set("loop", loop_record(i, items));
    bind_loop_target(*node.target, items[i], scope);
    try {
      out += render_block(node.body, scope);
    } catch (const ContinueSignal&) {
      continue;
    } catch (const BreakSignal&) {
      break;
    }
    completed_an_iteration = true;
  }
  if (!completed_an_iteration) out += render_block(node.otherwise, scope);
  return out;
}

// Binds a macro call's arguments in `scope` (runtime.ts bindMacroArguments without the
// caller/varargs/kwargs extras, which the parser refuses): positional first, then by
// keyword, then defaults, which are evaluated last, in the macro's own scope.
void bind_macro_arguments(const MacroNode& macro, const ValueList& args, Environment& scope) {
  const Value* keywords = trailing_keywords(args);
  const size_t given = args.size() - (keywords != nullptr ? 1 : 0);
  std::vector<std::pair<std::string, Value>> unused;
  if (keywords != nullptr) unused = keywords->entries().items();
  std::vector<std::pair<std::string, const Node*>> pending_defaults;
  for (size_t i = 0; i < macro.parameters.size(); ++i) {
    const Node& parameter = *macro.parameters[i];
    const bool has_default = parameter.kind == NodeKind::kKeywordArgument;
    const std::string name =
        has_default ? as<KeywordArgumentNode>(parameter).key : as<IdentifierNode>(parameter).name;
    Value value;
    const auto keyword = std::find_if(unused.begin(), unused.end(),
                                      [&](const auto& kv) { return kv.first == name; });
    if (i < given) {
      value = args[i];
    } else if (keyword != unused.end()) {
      value = keyword->second;
      unused.erase(keyword);
    } else if (has_default) {
      pending_defaults.emplace_back(name, as<KeywordArgumentNode>(parameter).value.get());
    }
    scope.set(name, value);
  }
  if (!unused.empty())
    fail("macro '" + macro.name + "' takes no keyword argument '" + unused.front().first + "'");
  if (given > macro.parameters.size()) {
    fail("macro '" + macro.name + "' takes not more than " +
         std::to_string(macro.parameters.size()) + " argument(s)");
  }
  for (const auto& [name, default_value] : pending_defaults)
    scope.set(name, evaluate(*default_value, scope));
}

// A macro is a function rendering its body in a new scope inside the one it was defined in
// (lexical scope, late binding). That scope is held weakly: it holds the macro in turn.
void define_macro(const MacroNode& macro, Environment& env) {
  const std::weak_ptr<Environment> defined_in = env.shared_from_this();
  env.set(
      macro.name, Value::function(macro.name, [&macro, defined_in](const ValueList& args) {
        const auto parent = defined_in.lock();
        if (!parent)
          fail("macro '" + macro.name + "' is called after the scope it was defined in has ended");
        const auto scope = Environment::child_of(*parent);
        bind_macro_arguments(macro, args, *scope);
        return Value::string(render_block(macro.body, *scope));
      }));
}

void render_statement(const Node& node, Environment& env, std::string& out) {
  switch (node.kind) {
    case NodeKind::kText:
      out += as<TextNode>(node).text;
      return;
    case NodeKind::kComment:
      return;
    case NodeKind::kIf:
      out += render_if(as<IfNode>(node), env);
      return;
    case NodeKind::kFor:
      out += render_for(as<ForNode>(node), env);
      return;
    case NodeKind::kSet:
      execute_set(as<SetNode>(node), env);
      return;
    case NodeKind::kMacro:
      define_macro(as<MacroNode>(node), env);
      return;
    default: {
      const Value value = evaluate(node, env);
      if (!value.is(Kind::kNull) && !value.is(Kind::kUndefined)) out += display(value);
    }
  }
}

std::string render_block(const NodeList& statements, Environment& env) {
  std::string out;
  for (const NodePtr& statement : statements) {
    try {
      render_statement(*statement, env, out);
    } catch (TemplateFailure& failure) {
      if (failure.offset == kUnknownOffset) failure.offset = statement->offset;
      throw;
    }
  }
  return out;
}

}  // namespace

std::string render_statements(const NodeList& statements, Environment& env) {
  try {
    return render_block(statements, env);
  } catch (const BreakSignal& signal) {
    throw LoopControlOutsideLoop{true, signal.offset};
  } catch (const ContinueSignal& signal) {
    throw LoopControlOutsideLoop{false, signal.offset};
  }
}

}  // namespace tb::jinja
