// Global functions of @huggingface/jinja 0.5.13 (runtime.ts setupGlobals, namespaceBuiltin;
// utils.ts range, strftime_now). Choices: range() and strftime_now() refuse arguments of the
// wrong type where JavaScript would coerce them silently; range() refuses more than 10^7 items.
#include "harness/text/jinja/globals.h"

#include <array>
#include <cmath>
#include <string>

#include "harness/text/jinja/template_error.h"
#include "harness/text/jinja/unicode_text.h"
#include "harness/text/jinja/value_text.h"

namespace tb::jinja {
namespace {

constexpr double kMaxRangeItems = 1e7;

ValueList positional(const ValueList& args) {
  ValueList out = args;
  if (!out.empty() && out.back().is(Kind::kKeywordArguments)) out.pop_back();
  return out;
}

const Value* keyword_arguments(const ValueList& args) {
  return !args.empty() && args.back().is(Kind::kKeywordArguments) ? &args.back() : nullptr;
}

void add_pair(Entries& entries, const Value& pair) {
  ValueList parts;
  if (pair.is_array_like()) {
    parts = pair.items();
  } else if (pair.is(Kind::kString)) {
    for (const auto& s : code_points(pair.str())) parts.push_back(Value::string(std::string(s)));
  }
  if (parts.size() != 2) fail("namespace() expected a mapping or a list of [key, value] pairs");
  if (!parts[0].is(Kind::kString)) fail("namespace() keys must be strings");
  entries.set(parts[0].str(), parts[1]);
}

Value make_namespace(const ValueList& args) {
  const ValueList given = positional(args);
  if (given.size() > 1)
    fail("namespace() takes at most 1 positional argument, got " + std::to_string(given.size()));
  Entries entries;
  if (given.size() == 1) {
    const Value& source = given[0];
    if (source.is_mapping()) {
      for (const auto& [k, v] : source.entries().items()) entries.set(k, v);
    } else if (source.is_array_like()) {
      for (const Value& pair : source.items()) add_pair(entries, pair);
    } else {
      fail("namespace() cannot read " + a_type_name(source));
    }
  }
  if (const Value* kwargs = keyword_arguments(args)) {
    for (const auto& [k, v] : kwargs->entries().items()) entries.set(k, v);
  }
  return Value::object(std::move(entries), Kind::kNamespace);
}

Value raise_exception(const ValueList& args) {
  // new Error(undefined) has an empty message; none is undefined underneath (operators.cpp).
  const bool absent = args.empty() || args[0].is(Kind::kUndefined) || args[0].is(Kind::kNull);
  const std::string text = absent ? "" : concat_text(args[0]);
  fail(kRaisedPrefix + text);
}

Value number_result(double n) {
  return std::trunc(n) == n ? Value::integer(n) : Value::floating(n);
}

Value range(const ValueList& args) {
  const ValueList given = positional(args);
  if (given.empty() || given.size() > 3 || keyword_arguments(args))
    fail("range() takes 1 to 3 numbers");
  for (const Value& v : given) {
    if (!v.is_number()) fail("range() takes numbers, got " + a_type_name(v));
  }
  double start = given[0].number(), stop = 0, step = 1;
  if (given.size() == 1) {
    stop = start, start = 0;
  } else {
    stop = given[1].number();
    if (given.size() == 3) step = given[2].number();
  }
  if (step == 0) fail("range() step must not be zero");
  if ((stop - start) / step > kMaxRangeItems) fail("range() would make more than 10000000 items");
  ValueList items;
  for (double i = start; step > 0 ? i < stop : i > stop; i += step)
    items.push_back(number_result(i));
  return Value::array(std::move(items));
}

std::string two_digits(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

}  // namespace

std::tm current_local_time() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return local;
}

std::string format_time(const std::tm& time, const std::string& format) {
  static const std::array<const char*, 12> kMonths = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    const char next = i + 1 < format.size() ? format[i + 1] : '\0';
    if (format[i] != '%' || std::string("YmdbBHM%").find(next) == std::string::npos ||
        next == '\0') {
      out += format[i];
      continue;
    }
    const std::string month = kMonths[size_t(time.tm_mon) % 12];
    switch (next) {
      case 'Y':
        out += std::to_string(time.tm_year + 1900);
        break;
      case 'm':
        out += two_digits(time.tm_mon + 1);
        break;
      case 'd':
        out += two_digits(time.tm_mday);
        break;
      case 'b':
        out += month.substr(0, 3);
        break;
      case 'B':
        out += month;
        break;
      case 'H':
        out += two_digits(time.tm_hour);
        break;
      case 'M':
        out += two_digits(time.tm_min);
        break;
      default:
        out += '%';
        break;
    }
    ++i;
  }
  return out;
}

Value namespace_function() {
  static const Value kNamespace = Value::function("namespace", make_namespace);
  return kNamespace;
}

void declare_globals(Environment& env, const LocalTimeSource& local_time) {
  for (const char* name : {"false", "False"}) env.set(name, Value::boolean(false));
  for (const char* name : {"true", "True"}) env.set(name, Value::boolean(true));
  for (const char* name : {"none", "None"}) env.set(name, Value::null());
  env.set("raise_exception", Value::function("raise_exception", raise_exception));
  env.set("range", Value::function("range", range));
  env.set("strftime_now", Value::function("strftime_now", [local_time](const ValueList& args) {
            if (args.empty() || !args[0].is(Kind::kString))
              fail("strftime_now() takes a format string");
            return Value::string(format_time(local_time(), args[0].str()));
          }));
}

}  // namespace tb::jinja
