// The order `sort` and `dictsort` put values in (runtime.ts compareRuntimeValues): numbers
// and booleans among themselves, strings (case-insensitively unless asked), none with none.
#pragma once
#include "harness/text/jinja/value.h"

namespace tb::jinja {

// -1, 0 or 1; fails for values of different types, as the reference does.
int compare_for_sort(const Value& a, const Value& b, bool case_sensitive);

// ASCII lower-casing; fails on non-ASCII text, whose case mapping is not reproduced.
std::string ascii_lower(const std::string& text, const char* what);
std::string ascii_upper(const std::string& text, const char* what);

}  // namespace tb::jinja
