// Argument evaluation for calls and filters (see arguments.h).
#include "harness/text/jinja/arguments.h"

#include "harness/text/jinja/template_error.h"

namespace tb::jinja {
namespace {

void add_keyword(Entries& keywords, const std::string& key, Value value) {
  if (keywords.find(key) != nullptr) fail("got multiple values for keyword argument '" + key + "'");
  keywords.set(key, std::move(value));
}

}  // namespace

const Value* Arguments::get(size_t i, const std::string& name) const {
  if (i < positional.size()) return &positional[i];
  return keyword(name);
}

Arguments evaluate_arguments(const NodeList& args, const EvaluateFn& evaluate) {
  Arguments out;
  for (const NodePtr& arg : args) {
    if (arg->kind == NodeKind::kSpread) {
      const Value list = evaluate(*as<SpreadNode>(*arg).argument);
      if (!list.is_array_like()) fail("cannot unpack " + a_type_name(list) + " with '*'");
      out.positional.insert(out.positional.end(), list.items().begin(), list.items().end());
    } else if (arg->kind != NodeKind::kKeywordArgument && arg->kind != NodeKind::kKeywordSpread) {
      out.positional.push_back(evaluate(*arg));
    }
  }
  for (const NodePtr& arg : args) {
    if (arg->kind == NodeKind::kKeywordArgument) {
      const auto& keyword = as<KeywordArgumentNode>(*arg);
      add_keyword(out.keywords, keyword.key, evaluate(*keyword.value));
    } else if (arg->kind == NodeKind::kKeywordSpread) {
      const Value mapping = evaluate(*as<SpreadNode>(*arg).argument);
      if (!mapping.is_mapping())
        fail("the argument after '**' must be a mapping, not " + a_type_name(mapping));
      for (const auto& [k, v] : mapping.entries().items()) add_keyword(out.keywords, k, v);
    }
  }
  return out;
}

ValueList call_arguments(const NodeList& args, const EvaluateFn& evaluate) {
  Arguments evaluated = evaluate_arguments(args, evaluate);
  ValueList out = std::move(evaluated.positional);
  if (evaluated.keywords.size() > 0)
    out.push_back(Value::object(std::move(evaluated.keywords), Kind::kKeywordArguments));
  return out;
}

const Value* trailing_keywords(const ValueList& args) {
  return !args.empty() && args.back().is(Kind::kKeywordArguments) ? &args.back() : nullptr;
}

}  // namespace tb::jinja
