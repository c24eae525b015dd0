// Binary and unary operators (see operators.h), a branch-for-branch port of
// evaluateBinaryExpression in @huggingface/jinja 0.5.13 src/runtime.ts: the order of the
// checks decides which operand combinations work, so it is kept. JavaScript's loose
// equality is ECMA-262 §7.2.14 IsLooselyEqual, including its ToPrimitive of a list or
// mapping compared with a string or number; comparing functions is refused.
#include "harness/text/jinja/operators.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "harness/text/jinja/template_error.h"
#include "harness/text/jinja/unicode_text.h"
#include "harness/text/jinja/value_text.h"

namespace tb::jinja {
namespace {

// JavaScript's `typeof`-level type of a value's underlying JavaScript value.
enum class JsType { kUndefined, kBoolean, kNumber, kString, kObject };

// `none` is JavaScript's undefined underneath too: the reference constructs its NullValue
// without an argument, so `none === undefined` there.
JsType js_type(const Value& v) {
  switch (v.kind()) {
    case Kind::kUndefined:
    case Kind::kNull:
      return JsType::kUndefined;
    case Kind::kBoolean:
      return JsType::kBoolean;
    case Kind::kInteger:
    case Kind::kFloat:
      return JsType::kNumber;
    case Kind::kString:
      return JsType::kString;
    default:
      return JsType::kObject;
  }
}

void refuse_function_comparison(const Value& a, const Value& b) {
  if (a.is(Kind::kFunction) || b.is(Kind::kFunction)) fail_unsupported("comparing functions");
}

// ToPrimitive of a list or mapping as JavaScript computes it for `==`: a list becomes its
// items joined by ",", a mapping (a JavaScript Map) "[object Map]".
Value to_primitive(const Value& v) {
  return Value::string(v.is_array_like() ? concat_text(v) : "[object Map]");
}

bool is_numeric_like(const Value& v) { return v.is_number() || v.is(Kind::kBoolean); }
double numeric_value(const Value& v) {
  return v.is(Kind::kBoolean) ? (v.as_bool() ? 1 : 0) : v.number();
}

bool parse_decimal_literal(std::string_view s, double* out) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (s.substr(i) == "Infinity") {
    *out = s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exponent_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exponent_digits;
    if (exponent_digits == 0) return false;
  }
  if (i != s.size()) return false;
  *out = std::strtod(std::string(s).c_str(), nullptr);
  return true;
}

bool parse_prefixed_integer(std::string_view s, double* out) {
  if (s.size() < 3 || s[0] != '0') return false;
  const char p = char(s[1] | 0x20);
  const int base = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
  if (base == 0) return false;
  double n = 0;
  for (char c : s.substr(2)) {
    const int d = std::isdigit(static_cast<unsigned char>(c))   ? c - '0'
                  : std::isalpha(static_cast<unsigned char>(c)) ? (c | 0x20) - 'a' + 10
                                                                : 99;
    if (d >= base) return false;
    n = n * base + d;
  }
  *out = n;
  return true;
}

Value arithmetic(const std::string& op, const Value& left, const Value& right, bool* handled) {
  const double a = left.number(), b = right.number();
  const bool is_float = left.is(Kind::kFloat) || right.is(Kind::kFloat);
  const auto number = [&](double n) { return is_float ? Value::floating(n) : Value::integer(n); };
  *handled = true;
  if (op == "+") return number(a + b);
  if (op == "-") return number(a - b);
  if (op == "*") return number(a * b);
  if (op == "/") return Value::floating(a / b);
  if (op == "//") return number(std::floor(a / b));
  if (op == "%") return number(std::fmod(a, b));
  if (op == "<") return Value::boolean(a < b);
  if (op == ">") return Value::boolean(a > b);
  if (op == ">=") return Value::boolean(a >= b);
  if (op == "<=") return Value::boolean(a <= b);
  *handled = false;
  return Value();
}

// JavaScript's `a ** b`, which differs from std::pow for 1 ** NaN and (+-1) ** Infinity.
double js_power(double a, double b) {
  if (std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
  if (std::fabs(a) == 1 && std::isinf(b)) return std::numeric_limits<double>::quiet_NaN();
  return std::pow(a, b);
}

Value power(const Value& left, const Value& right) {
  const double a = numeric_value(left), b = numeric_value(right);
  if (a == 0 && b < 0) fail("0.0 cannot be raised to a negative power");
  const double result = js_power(a, b);
  if (!std::isfinite(result)) fail("exponentiation result is not a finite real number");
  const bool is_float = left.is(Kind::kFloat) || right.is(Kind::kFloat) || b < 0;
  return is_float ? Value::floating(result) : Value::integer(result);
}

Value with_undefined(const std::string& op, const Value& left, const Value& right) {
  if (right.is(Kind::kUndefined) && (op == "in" || op == "not in"))
    return Value::boolean(op == "not in");
  if (op == "~" && !left.is(Kind::kNull) && !right.is(Kind::kNull)) {
    const std::string lhs = left.is(Kind::kUndefined) ? "" : concat_text(left);
    const std::string rhs = right.is(Kind::kUndefined) ? "" : concat_text(right);
    return Value::string(lhs + rhs);
  }
  fail("cannot apply '" + op + "' to an undefined value");
}

bool list_contains(const Value& list, const Value& item) {
  for (const Value& x : list.items()) {
    if (strict_equals(x, item)) return true;
  }
  return false;
}

// The checks after the main chain, which the reference runs whatever branch came before.
Value string_operation(const std::string& op, const Value& left, const Value& right) {
  if ((left.is(Kind::kString) || right.is(Kind::kString)) && op == "+") {
    return Value::string(concat_text(left) + concat_text(right));
  }
  if (left.is(Kind::kString) && right.is(Kind::kString)) {
    const bool found = right.str().find(left.str()) != std::string::npos;
    if (op == "in") return Value::boolean(found);
    if (op == "not in") return Value::boolean(!found);
  }
  if (left.is(Kind::kString) && right.is_mapping()) {
    const bool found = right.entries().find(left.str()) != nullptr;
    if (op == "in") return Value::boolean(found);
    if (op == "not in") return Value::boolean(!found);
  }
  fail("operator '" + op + "' is not defined between " + a_type_name(left) + " and " +
       a_type_name(right));
}

}  // namespace

double string_to_number(std::string_view text) {
  const std::string_view s = js_trim(text);
  if (s.empty()) return 0;
  double n = 0;
  if (parse_prefixed_integer(s, &n) || parse_decimal_literal(s, &n)) return n;
  return std::numeric_limits<double>::quiet_NaN();
}

bool loose_equals(const Value& a, const Value& b) {
  refuse_function_comparison(a, b);
  const JsType ta = js_type(a), tb = js_type(b);
  if (ta == tb) return strict_equals(a, b);
  if (ta == JsType::kUndefined || tb == JsType::kUndefined) return false;
  if (ta == JsType::kBoolean) return loose_equals(Value::integer(a.as_bool() ? 1 : 0), b);
  if (tb == JsType::kBoolean) return loose_equals(a, Value::integer(b.as_bool() ? 1 : 0));
  if (ta == JsType::kNumber && tb == JsType::kString)
    return a.number() == string_to_number(b.str());
  if (ta == JsType::kString && tb == JsType::kNumber)
    return string_to_number(a.str()) == b.number();
  if (ta == JsType::kObject) return loose_equals(to_primitive(a), b);
  return loose_equals(a, to_primitive(b));
}

bool strict_equals(const Value& a, const Value& b) {
  refuse_function_comparison(a, b);
  const JsType ta = js_type(a);
  if (ta != js_type(b)) return false;
  switch (ta) {
    case JsType::kUndefined:
      return true;
    case JsType::kBoolean:
      return a.as_bool() == b.as_bool();
    case JsType::kNumber:
      return a.number() == b.number();
    case JsType::kString:
      return a.str() == b.str();
    case JsType::kObject:
      return a.same_object(b);
  }
  return false;
}

Value binary_operation(const std::string& op, const Value& left, const Value& right) {
  if (op == "==") return Value::boolean(loose_equals(left, right));
  if (op == "!=") return Value::boolean(!loose_equals(left, right));
  if (left.is_number() && right.is_number() && op != "~" && op != "**") {
    bool handled = false;
    Value result = arithmetic(op, left, right, &handled);
    if (handled) return result;
  } else if (left.is(Kind::kUndefined) || right.is(Kind::kUndefined)) {
    return with_undefined(op, left, right);
  } else if (left.is(Kind::kNull) || right.is(Kind::kNull)) {
    fail("cannot apply '" + op + "' to none");
  } else if (op == "~") {
    return Value::string(concat_text(left) + concat_text(right));
  } else if (op == "**" && is_numeric_like(left) && is_numeric_like(right)) {
    return power(left, right);
  } else if (left.is_array_like() && right.is_array_like()) {
    if (op == "+") {
      ValueList items = left.items();
      items.insert(items.end(), right.items().begin(), right.items().end());
      return Value::array(std::move(items));
    }
  } else if (right.is_array_like()) {
    if (op == "in") return Value::boolean(list_contains(right, left));
    if (op == "not in") return Value::boolean(!list_contains(right, left));
  }
  return string_operation(op, left, right);
}

Value unary_operation(const std::string& op, const Value& argument) {
  if (op == "not") return Value::boolean(!argument.truthy());
  const double sign = op == "-" ? -1 : 1;
  if (argument.is(Kind::kFloat)) return Value::floating(sign * argument.number());
  if (argument.is_number() || argument.is(Kind::kBoolean))
    return Value::integer(sign * numeric_value(argument));
  fail("unary '" + op + "' is not defined for " + a_type_name(argument));
}

}  // namespace tb::jinja
