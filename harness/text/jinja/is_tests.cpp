// `is` tests (see is_tests.h), ported from Environment.TESTS in @huggingface/jinja 0.5.13.
#include "harness/text/jinja/is_tests.h"

#include <cmath>

#include "harness/text/jinja/operators.h"
#include "harness/text/jinja/ordering.h"
#include "harness/text/jinja/template_error.h"

namespace tb::jinja {
namespace {

bool parity(const std::string& name, const Value& operand) {
  if (!operand.is(Kind::kInteger))
    fail("cannot test whether " + a_type_name(operand) + " is " + name);
  const bool odd = std::fmod(operand.number(), 2) != 0;
  return name == "odd" ? odd : !odd;
}

bool same_case(const std::string& name, const Value& operand) {
  if (!operand.is(Kind::kString)) return false;
  const std::string& s = operand.str();
  return name == "lower" ? s == ascii_lower(s, "the 'lower' test")
                         : s == ascii_upper(s, "the 'upper' test");
}

}  // namespace

bool is_known_test(const std::string& name) {
  static const char* const kNames[] = {"boolean",  "callable",  "odd",      "even",   "false",
                                       "true",     "none",      "string",   "number", "integer",
                                       "iterable", "mapping",   "sequence", "lower",  "upper",
                                       "defined",  "undefined", "equalto",  "eq"};
  for (const char* known : kNames) {
    if (name == known) return true;
  }
  return false;
}

bool apply_test(const std::string& name, const Value& operand, const Value* argument) {
  const Kind k = operand.kind();
  if (name == "boolean") return k == Kind::kBoolean;
  if (name == "callable") return k == Kind::kFunction;
  if (name == "odd" || name == "even") return parity(name, operand);
  if (name == "false") return k == Kind::kBoolean && !operand.as_bool();
  if (name == "true") return k == Kind::kBoolean && operand.as_bool();
  if (name == "none") return k == Kind::kNull;
  if (name == "string") return k == Kind::kString;
  if (name == "number") return operand.is_number();
  if (name == "integer") return k == Kind::kInteger;
  if (name == "iterable") return k == Kind::kArray || k == Kind::kString;
  if (name == "mapping") return operand.is_mapping();
  if (name == "sequence")
    return operand.is_array_like() || operand.is_mapping() || k == Kind::kString;
  if (name == "lower" || name == "upper") return same_case(name, operand);
  if (name == "defined") return k != Kind::kUndefined;
  if (name == "undefined") return k == Kind::kUndefined;
  if (name == "equalto" || name == "eq") {
    if (argument == nullptr) fail("the '" + name + "' test needs a value to compare with");
    return strict_equals(operand, *argument);
  }
  fail("unknown test '" + name + "'");
}

}  // namespace tb::jinja
