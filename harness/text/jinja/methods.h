// What `value.name` finds when `value` has no entry `name` (runtime.ts `builtins`):
//   strings: upper() lower() strip() lstrip() rstrip() title() capitalize() startswith()
//            endswith() split() replace(), and `length` (UTF-16 code units, not a method);
//   lists:   `length`;
//   mappings: get() items() keys() values() dictsort().
// Anything else is undefined. As in @huggingface/jinja, strip/lstrip/rstrip ignore an
// argument and always strip white space (Python's `s.strip('\n')` strips only newlines).
#pragma once
#include <string>

#include "harness/text/jinja/value.h"

namespace tb::jinja {

Value builtin_member(const Value& object, const std::string& name);

// Python's str.split(sep=None, maxsplit=-1) as the reference implements it.
ValueList split_string(const std::string& text, const Value& separator, double max_split);
// Python's str.replace(old, new, count=-1) as the reference implements it.
std::string replace_string(const std::string& text, const std::string& old_text,
                           const std::string& new_text, double count);
// `/\b\w/g` upper-cased: the first ASCII letter of each ASCII word.
std::string title_case(const std::string& text);

}  // namespace tb::jinja
