// The `is` tests of @huggingface/jinja 0.5.13 (runtime.ts Environment.TESTS): boolean,
// callable, odd, even, false, true, none, string, number, integer, iterable (a list or a
// string, not a tuple), mapping, sequence, lower, upper, defined, undefined, equalto, eq.
// Tests with arguments (`is divisibleby(3)`) do not parse, as in the reference.
#pragma once
#include <string>

#include "harness/text/jinja/value.h"

namespace tb::jinja {

bool is_known_test(const std::string& name);
// `operand is name`; `argument` is the second value `equalto`/`eq` compare with (selectattr
// passes it), null otherwise.
bool apply_test(const std::string& name, const Value& operand, const Value* argument);

}  // namespace tb::jinja
