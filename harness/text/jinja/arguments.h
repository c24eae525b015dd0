// Call arguments as the reference evaluates them (runtime.ts evaluateArguments): every
// positional argument (with `*list` spread) first, then keyword arguments (with `**mapping`
// spread); a keyword given twice is an error.
#pragma once
#include <functional>

#include "harness/text/jinja/ast.h"
#include "harness/text/jinja/value.h"

namespace tb::jinja {

using EvaluateFn = std::function<Value(const Node&)>;

struct Arguments {
  ValueList positional;
  Entries keywords;

  const Value* keyword(const std::string& name) const { return keywords.find(name); }
  // Positional argument `i`, else keyword `name`, else null.
  const Value* get(size_t i, const std::string& name) const;
};

Arguments evaluate_arguments(const NodeList& args, const EvaluateFn& evaluate);

// The calling convention of built-in functions: positional arguments followed by one
// keyword-arguments value when there are keyword arguments.
ValueList call_arguments(const NodeList& args, const EvaluateFn& evaluate);

// The same convention, read back: the keyword-arguments value at the end, if any.
const Value* trailing_keywords(const ValueList& args);

}  // namespace tb::jinja
