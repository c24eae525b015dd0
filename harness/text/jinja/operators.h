// Jinja's operators with @huggingface/jinja 0.5.13's semantics (runtime.ts
// evaluateBinaryExpression / evaluateUnaryExpression), which are JavaScript's where Python
// would differ: `==` is JavaScript's loose `==` on the underlying values (lists and mappings
// equal only to themselves or to their text: [1, 2] == "1,2", "1" == 1), `%` keeps the dividend's
// sign, `in` on a list uses
// `===`, strings are not ordered by `<`. `and`/`or` short-circuit in the evaluator.
#pragma once
#include <string>
#include <string_view>

#include "harness/text/jinja/value.h"

namespace tb::jinja {

// `left op right` for every binary operator except `and` and `or`.
Value binary_operation(const std::string& op, const Value& left, const Value& right);
// `not x`, `-x`, `+x`.
Value unary_operation(const std::string& op, const Value& argument);

// JavaScript `a == b` / `a === b` on the values' JavaScript forms.
bool loose_equals(const Value& a, const Value& b);
bool strict_equals(const Value& a, const Value& b);

// JavaScript's ToNumber of a string ("" -> 0, " 12 " -> 12, "0x1f" -> 31, "abc" -> NaN).
double string_to_number(std::string_view text);

}  // namespace tb::jinja
