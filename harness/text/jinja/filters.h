// The `|` filters of @huggingface/jinja 0.5.13 (runtime.ts applyFilter), chosen by the
// operand's type as the reference chooses them:
//   any:      safe, tojson(indent, ensure_ascii, separators, sort_keys), default(value, boolean)
//   lists:    list first last length reverse sort(reverse, case_sensitive, attribute) join(sep)
//             string unique selectattr rejectattr map(attribute=, default=)
//   strings:  length upper lower title capitalize trim indent(width, first, blank) join
//             string int float replace
//   numbers:  abs int float string;  booleans: bool int float string
//   mappings: items length, and their methods (keys, values, dictsort, ...)
// Filters the reference lacks (`reject`, `select`, `wordcount`, ...) fail when applied.
#pragma once
#include "harness/text/jinja/arguments.h"
#include "harness/text/jinja/ast.h"
#include "harness/text/jinja/value.h"

namespace tb::jinja {

// `filter` is the IdentifierNode or CallNode after the `|`; `evaluate` evaluates its
// argument expressions in the template's current scope.
Value apply_filter(const Value& operand, const Node& filter, const EvaluateFn& evaluate);

}  // namespace tb::jinja
