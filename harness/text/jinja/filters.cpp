// Filters (see filters.h), a port of applyFilter in @huggingface/jinja 0.5.13 src/runtime.ts
// that keeps its dispatch order (bare names first, then the operand's type). Choices: `first`
// and `last` of an empty list fail (the reference crashes later on its raw `undefined`).
#include "harness/text/jinja/filters.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "harness/text/jinja/is_tests.h"
#include "harness/text/jinja/methods.h"
#include "harness/text/jinja/ordering.h"
#include "harness/text/jinja/template_error.h"
#include "harness/text/jinja/unicode_text.h"
#include "harness/text/jinja/value_text.h"

namespace tb::jinja {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

[[noreturn]] void no_such_filter(const std::string& name, const Value& operand) {
  fail("there is no filter '" + name + "' for " + a_type_name(operand));
}

// JavaScript's parseInt(text, 10).
double parse_int(const std::string& text) {
  const std::string s(js_trim_start(text));
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  const size_t digits_start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == digits_start) return kNaN;
  return std::strtod(s.substr(0, i).c_str(), nullptr);
}

// JavaScript's parseFloat(text): the longest prefix that is a decimal literal.
double parse_float(const std::string& text) {
  const std::string s(js_trim_start(text));
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  if (s.compare(i, 8, "Infinity") == 0) return s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
  const auto digits = [&] {
    size_t n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++n;
    return n;
  };
  size_t mantissa = digits();
  if (i < s.size() && s[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return kNaN;
  size_t end = i;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() > 0) end = i;
  }
  return std::strtod(s.substr(0, end).c_str(), nullptr);
}

// What Array.prototype.join makes of one item's underlying JavaScript value.
std::string join_text(const Value& v) {
  return v.is(Kind::kNull) || v.is(Kind::kUndefined) ? "" : concat_text(v);
}

std::string join_items(const Value& list, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < list.items().size(); ++i) {
    if (i > 0) out += separator;
    out += join_text(list.items()[i]);
  }
  return out;
}

// JavaScript's SameValueZero on underlying values, which Set uses (for `unique`).
bool same_value_zero(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    return a.number() == b.number() || (std::isnan(a.number()) && std::isnan(b.number()));
  }
  const auto nullish = [](const Value& v) { return v.is(Kind::kNull) || v.is(Kind::kUndefined); };
  if (nullish(a) || nullish(b)) return nullish(a) && nullish(b);  // none is undefined underneath
  if (a.kind() != b.kind()) {
    const bool both_arrays = a.is_array_like() && b.is_array_like();
    const bool both_maps = a.has_entries() && b.has_entries();
    if (!both_arrays && !both_maps) return false;
  }
  switch (a.kind()) {
    case Kind::kUndefined:
    case Kind::kNull:
      return true;
    case Kind::kBoolean:
      return a.as_bool() == b.as_bool();
    case Kind::kString:
      return a.str() == b.str();
    default:
      return a.same_object(b);
  }
}

Value unique(const Value& list) {
  ValueList out;
  for (const Value& item : list.items()) {
    const bool seen = std::any_of(out.begin(), out.end(),
                                  [&](const Value& v) { return same_value_zero(v, item); });
    if (!seen) out.push_back(item);
  }
  return Value::array(std::move(out));
}

Value sorted(const Value& list, bool reverse, bool case_sensitive,
             const std::function<Value(const Value&)>& key) {
  ValueList items = list.items();
  std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
    const int c = compare_for_sort(key(a), key(b), case_sensitive);
    return (reverse ? -c : c) < 0;
  });
  return Value::array(std::move(items));
}

// runtime.ts getAttributeValue: "a.b.0" through mappings, namespaces and lists.
Value attribute_value(const Value& item, const std::string& path) {
  Value value = item;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (value.has_entries()) {
      const Value* found = value.entries().find(part);
      value = found != nullptr ? *found : Value();
    } else if (value.is_array_like()) {
      const double index = parse_int(part);
      if (std::isnan(index) || index < 0 || index >= double(value.items().size())) return Value();
      value = value.items()[size_t(index)];
    } else {
      return Value();
    }
    if (dot == std::string::npos) return value;
    start = dot + 1;
  }
}

std::string indent_lines(const std::string& text, const std::string& indent, bool first,
                         bool blank) {
  std::string out;
  size_t start = 0, line = 0;
  while (true) {
    const size_t newline = text.find('\n', start);
    const std::string piece =
        text.substr(start, newline == std::string::npos ? std::string::npos : newline - start);
    const bool skip = (!first && line == 0) || (!blank && piece.empty());
    out += (skip ? "" : indent) + piece;
    if (newline == std::string::npos) return out;
    out += '\n';
    start = newline + 1;
    ++line;
  }
}

// `!!value` in JavaScript on the underlying value (containers are objects, always true).
bool js_truthy(const Value& v) { return v.is_array_like() || v.has_entries() || v.truthy(); }

Value bare_list_filter(const std::string& name, const Value& list) {
  const ValueList& items = list.items();
  if (name == "list") return list;
  if ((name == "first" || name == "last") && items.empty()) fail("'" + name + "' of an empty list");
  if (name == "first") return items.front();
  if (name == "last") return items.back();
  if (name == "length") return Value::integer(double(items.size()));
  if (name == "reverse") return Value::array(ValueList(items.rbegin(), items.rend()));
  if (name == "sort") return sorted(list, false, false, [](const Value& v) { return v; });
  if (name == "join") return Value::string(join_items(list, ""));
  if (name == "string") return Value::string(to_json(list, JsonOptions{}, false));
  if (name == "unique") return unique(list);
  no_such_filter(name, list);
}

Value bare_string_filter(const std::string& name, const Value& text) {
  if (name == "length" || name == "upper" || name == "lower" || name == "title" ||
      name == "capitalize") {
    const Value member = builtin_member(text, name);
    return member.is(Kind::kFunction) ? member.function().call({}) : member;
  }
  if (name == "trim") return Value::string(std::string(js_trim(text.str())));
  if (name == "indent") return Value::string(indent_lines(text.str(), "    ", false, false));
  if (name == "join" || name == "string") return text;
  if (name == "int") {
    const double n = parse_int(text.str());
    return Value::integer(std::isnan(n) ? 0 : n);
  }
  if (name == "float") {
    const double n = parse_float(text.str());
    return Value::floating(std::isnan(n) ? 0 : n);
  }
  no_such_filter(name, text);
}

Value bare_filter(const std::string& name, const Value& operand) {
  if (name == "safe") return operand;
  if (name == "tojson") return Value::string(to_json(operand, JsonOptions{}));
  if (operand.is_array_like()) return bare_list_filter(name, operand);
  if (operand.is(Kind::kString)) return bare_string_filter(name, operand);
  if (operand.is_number()) {
    const double n = operand.number();
    if (name == "abs")
      return operand.is(Kind::kInteger) ? Value::integer(std::fabs(n))
                                        : Value::floating(std::fabs(n));
    if (name == "int") return Value::integer(std::trunc(n) + 0.0);
    if (name == "float") return Value::floating(n);
    if (name == "string") return Value::string(display(operand));
    no_such_filter(name, operand);
  }
  if (operand.is_mapping()) {
    if (name == "items") return builtin_member(operand, "items").function().call({});
    if (name == "length") return Value::integer(double(operand.entries().size()));
    const Value member = builtin_member(operand, name);
    if (member.is(Kind::kFunction)) return member.function().call({});
    no_such_filter(name, operand);
  }
  if (operand.is(Kind::kBoolean)) {
    const bool b = operand.as_bool();
    if (name == "bool") return operand;
    if (name == "int") return Value::integer(b ? 1 : 0);
    if (name == "float") return Value::floating(b ? 1 : 0);
    if (name == "string") return Value::string(b ? "true" : "false");
    no_such_filter(name, operand);
  }
  fail("cannot apply filter '" + name + "' to " + a_type_name(operand));
}

Value tojson_filter(const Value& operand, const Arguments& args) {
  JsonOptions options;
  const Value* indent = args.keyword("indent");
  if (indent != nullptr && !indent->is(Kind::kNull)) {
    if (!indent->is(Kind::kInteger)) fail("tojson: indent must be an integer");
    options.indent = indent->number();
  }
  const auto flag = [&](const char* name) {
    const Value* v = args.keyword(name);
    if (v != nullptr && !v->is(Kind::kBoolean))
      fail(std::string("tojson: ") + name + " must be a boolean");
    return v != nullptr && v->as_bool();
  };
  options.ensure_ascii = flag("ensure_ascii");
  options.sort_keys = flag("sort_keys");
  const Value* separators = args.keyword("separators");
  if (separators != nullptr && !separators->is(Kind::kNull)) {
    const bool pair = separators->is_array_like() && separators->items().size() == 2 &&
                      separators->items()[0].is(Kind::kString) &&
                      separators->items()[1].is(Kind::kString);
    if (!pair) fail("tojson: separators must be a tuple of two strings");
    options.separators = std::make_pair(separators->items()[0].str(), separators->items()[1].str());
  }
  return Value::string(to_json(operand, options));
}

Value join_filter(const Value& operand, const Arguments& args) {
  const Value* separator = args.get(0, "separator");
  if (separator != nullptr && !separator->is(Kind::kString))
    fail("join: the separator must be a string");
  const std::string sep = separator != nullptr ? separator->str() : "";
  if (operand.is_array_like()) return Value::string(join_items(operand, sep));
  if (!operand.is(Kind::kString)) fail("cannot apply filter 'join' to " + a_type_name(operand));
  std::string out;
  const auto characters = code_points(operand.str());
  for (size_t i = 0; i < characters.size(); ++i)
    out += (i > 0 ? sep : "") + std::string(characters[i]);
  return Value::string(out);
}

Value number_filter(const std::string& name, const Value& operand, const Arguments& args) {
  const bool to_int = name == "int";
  const Value* given = args.get(0, "default");
  const Value fallback = given != nullptr ? *given
                         : to_int         ? Value::integer(0)
                                          : Value::floating(0);
  if (operand.is(Kind::kString)) {
    const double n = to_int ? parse_int(operand.str()) : parse_float(operand.str());
    if (std::isnan(n)) return fallback;
    return to_int ? Value::integer(n) : Value::floating(n);
  }
  if (operand.is_number())
    return to_int ? Value::integer(std::trunc(operand.number()) + 0.0)
                  : Value::floating(operand.number());
  if (operand.is(Kind::kBoolean))
    return to_int ? Value::integer(operand.as_bool()) : Value::floating(operand.as_bool());
  fail("cannot apply filter '" + name + "' to " + a_type_name(operand));
}

Value default_filter(const Value& operand, const Arguments& args) {
  const Value fallback = !args.positional.empty() ? args.positional[0] : Value::string("");
  const Value* boolean = args.get(1, "boolean");
  if (boolean != nullptr && !boolean->is(Kind::kBoolean))
    fail("default: the 'boolean' flag must be a boolean");
  const bool use_truthiness = boolean != nullptr && boolean->as_bool();
  if (operand.is(Kind::kUndefined) || (use_truthiness && !operand.truthy())) return fallback;
  return operand;
}

Value sort_filter(const Value& list, const Arguments& args) {
  const auto flag = [&](size_t i, const char* name) {
    const Value* v = args.get(i, name);
    if (v != nullptr && !v->is(Kind::kBoolean))
      fail(std::string("sort: ") + name + " must be a boolean");
    return v != nullptr && v->as_bool();
  };
  const bool reverse = flag(0, "reverse");
  const bool case_sensitive = flag(1, "case_sensitive");
  const Value* attribute = args.get(2, "attribute");
  if (attribute == nullptr || attribute->is(Kind::kNull)) {
    return sorted(list, reverse, case_sensitive, [](const Value& v) { return v; });
  }
  if (!attribute->is(Kind::kString) && !attribute->is(Kind::kInteger))
    fail("sort: attribute must be a string, an integer or none");
  const std::string path =
      attribute->is(Kind::kString) ? attribute->str() : js_number(attribute->number());
  return sorted(list, reverse, case_sensitive,
                [&](const Value& v) { return attribute_value(v, path); });
}

Value select_attribute(const std::string& name, const Value& list, const CallNode& call,
                       const EvaluateFn& evaluate) {
  for (const Value& item : list.items()) {
    if (!item.has_entries()) fail("'" + name + "' can only be applied to a list of mappings");
  }
  ValueList args;
  for (const NodePtr& arg : call.args) {
    if (arg->kind != NodeKind::kStringLiteral)
      fail("the arguments of '" + name + "' must be string literals");
    args.push_back(evaluate(*arg));
  }
  if (args.empty()) fail("'" + name + "' needs the name of an attribute");
  const std::string& attribute = args[0].str();
  const std::string test = args.size() > 1 ? args[1].str() : "";
  if (!test.empty() && !is_known_test(test)) fail("unknown test '" + test + "'");
  const Value* compare_with = args.size() > 2 ? &args[2] : nullptr;
  const bool keep_matching = name == "selectattr";
  ValueList out;
  for (const Value& item : list.items()) {
    const Value* value = item.entries().find(attribute);
    bool matches = false;
    if (value != nullptr)
      matches = test.empty() ? value->truthy() : apply_test(test, *value, compare_with);
    if (matches == keep_matching) out.push_back(item);
  }
  return Value::array(std::move(out));
}

Value map_filter(const Value& list, const Arguments& args) {
  const Value* attribute = args.keyword("attribute");
  if (attribute == nullptr) fail_unsupported("'map' without attribute=");
  if (!attribute->is(Kind::kString)) fail("map: attribute must be a string");
  const Value* fallback = args.keyword("default");
  ValueList out;
  for (const Value& item : list.items()) {
    if (!item.has_entries()) fail("map: the items must be mappings");
    Value value = attribute_value(item, attribute->str());
    out.push_back(value.is(Kind::kUndefined) && fallback != nullptr ? *fallback : value);
  }
  return Value::array(std::move(out));
}

Value indent_filter(const Value& text, const Arguments& args) {
  const Value* width = args.get(0, "width");
  std::string indent = "    ";
  if (width != nullptr) {
    if (width->is(Kind::kString)) {
      indent = width->str();
    } else if (width->is(Kind::kInteger)) {
      indent = std::string(size_t(std::max(0.0, width->number())), ' ');
    } else {
      fail("indent: width must be an integer or a string");
    }
  }
  const Value* first = args.get(1, "first");
  const Value* blank = args.get(2, "blank");
  return Value::string(indent_lines(text.str(), indent, first != nullptr && js_truthy(*first),
                                    blank != nullptr && js_truthy(*blank)));
}

Value call_filter(const std::string& name, const Value& operand, const CallNode& call,
                  const EvaluateFn& evaluate) {
  const auto args = [&] { return evaluate_arguments(call.args, evaluate); };
  if (name == "tojson") return tojson_filter(operand, args());
  if (name == "join") return join_filter(operand, args());
  if (name == "int" || name == "float") return number_filter(name, operand, args());
  if (name == "default") return default_filter(operand, args());
  if (operand.is_array_like()) {
    if (name == "sort") return sort_filter(operand, args());
    if (name == "selectattr" || name == "rejectattr")
      return select_attribute(name, operand, call, evaluate);
    if (name == "map") return map_filter(operand, args());
    no_such_filter(name, operand);
  }
  if (operand.is(Kind::kString)) {
    if (name == "indent") return indent_filter(operand, args());
    if (name == "replace") {
      Arguments given = args();
      ValueList replace_args = given.positional;
      replace_args.push_back(Value::object(given.keywords, Kind::kKeywordArguments));
      return builtin_member(operand, "replace").function().call(replace_args);
    }
    no_such_filter(name, operand);
  }
  if (operand.is_mapping()) {
    const Value member = builtin_member(operand, name);
    if (member.is(Kind::kFunction))
      return member.function().call(call_arguments(call.args, evaluate));
    no_such_filter(name, operand);
  }
  fail("cannot apply filter '" + name + "' to " + a_type_name(operand));
}

}  // namespace

Value apply_filter(const Value& operand, const Node& filter, const EvaluateFn& evaluate) {
  if (filter.kind == NodeKind::kIdentifier)
    return bare_filter(as<IdentifierNode>(filter).name, operand);
  if (filter.kind == NodeKind::kCall) {
    const auto& call = as<CallNode>(filter);
    if (call.callee->kind != NodeKind::kIdentifier)
      fail("a filter must be a name, optionally with arguments");
    return call_filter(as<IdentifierNode>(*call.callee).name, operand, call, evaluate);
  }
  fail("a filter must be a name, optionally with arguments");
}

}  // namespace tb::jinja
