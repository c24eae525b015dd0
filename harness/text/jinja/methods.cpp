// Methods of strings, lists and mappings (see methods.h), ported from the `builtins` getters
// of StringValue, ArrayValue and ObjectValue in @huggingface/jinja 0.5.13 src/runtime.ts and
// `replace`/`titleCase` in src/utils.ts. Choices: upper(), lower() and capitalize() refuse
// non-ASCII letters rather than approximate JavaScript's Unicode case mapping.
#include "harness/text/jinja/methods.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "harness/text/jinja/arguments.h"
#include "harness/text/jinja/ordering.h"
#include "harness/text/jinja/template_error.h"
#include "harness/text/jinja/unicode_text.h"

namespace tb::jinja {
namespace {

using Method = Value (*)(const Value& self, const ValueList& args);

bool is_word_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

Value affix_test(const Value& self, const ValueList& args, const char* name, bool prefix) {
  if (args.empty()) fail(std::string(name) + "() requires at least one argument");
  const auto matches = [&](const std::string& affix) {
    const std::string& s = self.str();
    if (affix.size() > s.size()) return false;
    return prefix ? s.compare(0, affix.size(), affix) == 0
                  : s.compare(s.size() - affix.size(), affix.size(), affix) == 0;
  };
  const Value& pattern = args[0];
  if (pattern.is(Kind::kString)) return Value::boolean(matches(pattern.str()));
  if (!pattern.is_array_like())
    fail(std::string(name) + "() argument must be a string or a tuple of strings");
  for (const Value& item : pattern.items()) {
    if (!item.is(Kind::kString)) fail(std::string(name) + "() tuple elements must be strings");
    if (matches(item.str())) return Value::boolean(true);
  }
  return Value::boolean(false);
}

Value capitalize(const std::string& s) {
  if (s.empty()) return Value::string("");
  if (static_cast<unsigned char>(s[0]) >= 0x80)
    fail_unsupported("capitalize() of text starting with a non-ASCII character");
  return Value::string(ascii_upper(s.substr(0, 1), "capitalize()") + s.substr(1));
}

Value string_method(const Value& self, const std::string& name, const ValueList& args) {
  const std::string& s = self.str();
  if (name == "upper") return Value::string(ascii_upper(s, "upper()"));
  if (name == "lower") return Value::string(ascii_lower(s, "lower()"));
  if (name == "strip") return Value::string(std::string(js_trim(s)));
  if (name == "lstrip") return Value::string(std::string(js_trim_start(s)));
  if (name == "rstrip") return Value::string(std::string(js_trim_end(s)));
  if (name == "title") return Value::string(title_case(s));
  if (name == "capitalize") return capitalize(s);
  if (name == "startswith") return affix_test(self, args, "startswith", true);
  if (name == "endswith") return affix_test(self, args, "endswith", false);
  if (name == "split") {
    const Value separator = args.size() > 0 ? args[0] : Value::null();
    const Value max_split = args.size() > 1 ? args[1] : Value::integer(-1);
    if (!max_split.is(Kind::kInteger)) fail("split(): maxsplit must be an integer");
    return Value::array(split_string(s, separator, max_split.number()));
  }
  // replace
  if (args.size() < 2) fail("replace() requires at least two arguments");
  if (!args[0].is(Kind::kString) || !args[1].is(Kind::kString))
    fail("replace() arguments must be strings");
  Value count = Value::null();
  if (args.size() > 2) {
    const Value* keyword =
        args[2].is(Kind::kKeywordArguments) ? args[2].entries().find("count") : &args[2];
    count = keyword != nullptr ? *keyword : Value::null();
  }
  if (!count.is(Kind::kInteger) && !count.is(Kind::kNull))
    fail("replace(): count must be an integer or none");
  const double n = count.is(Kind::kNull) ? -1 : count.number();
  return Value::string(replace_string(s, args[0].str(), args[1].str(), n));
}

Value pair(const std::string& key, const Value& value) {
  return Value::array({Value::string(key), value});
}

Value dictsort(const Value& self, const ValueList& args) {
  const Value* keywords = trailing_keywords(args);
  ValueList given = args;
  if (keywords != nullptr) given.pop_back();
  const auto option = [&](size_t i, const char* name, Value fallback) {
    if (i < given.size()) return given[i];
    const Value* v = keywords != nullptr ? keywords->entries().find(name) : nullptr;
    return v != nullptr ? *v : fallback;
  };
  const Value case_sensitive = option(0, "case_sensitive", Value::boolean(false));
  const Value by = option(1, "by", Value::string("key"));
  const Value reverse = option(2, "reverse", Value::boolean(false));
  if (!case_sensitive.is(Kind::kBoolean)) fail("dictsort(): case_sensitive must be a boolean");
  if (!by.is(Kind::kString) || (by.str() != "key" && by.str() != "value"))
    fail("dictsort(): by must be 'key' or 'value'");
  if (!reverse.is(Kind::kBoolean)) fail("dictsort(): reverse must be a boolean");
  ValueList items;
  for (const auto& [k, v] : self.entries().items()) items.push_back(pair(k, v));
  const size_t index = by.str() == "key" ? 0 : 1;
  std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
    const int c = compare_for_sort(a.items()[index], b.items()[index], case_sensitive.as_bool());
    return (reverse.as_bool() ? -c : c) < 0;
  });
  return Value::array(std::move(items));
}

Value mapping_method(const Value& self, const std::string& name, const ValueList& args) {
  if (name == "get") {
    if (args.empty() || !args[0].is(Kind::kString)) fail("get(): the key must be a string");
    if (trailing_keywords(args) != nullptr) fail_unsupported("keyword arguments to get()");
    if (const Value* found = self.entries().find(args[0].str())) return *found;
    return args.size() > 1 ? args[1] : Value::null();
  }
  ValueList out;
  for (const auto& [k, v] : self.entries().items()) {
    if (name == "items") out.push_back(pair(k, v));
    if (name == "keys") out.push_back(Value::string(k));
    if (name == "values") out.push_back(v);
  }
  if (name == "dictsort") return dictsort(self, args);
  return Value::array(std::move(out));
}

bool is_string_method(const std::string& name) {
  static const char* const kNames[] = {"upper",      "lower",  "strip",  "title",
                                       "capitalize", "rstrip", "lstrip", "startswith",
                                       "endswith",   "split",  "replace"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

bool is_mapping_method(const std::string& name) {
  return name == "get" || name == "items" || name == "keys" || name == "values" ||
         name == "dictsort";
}

}  // namespace

Value builtin_member(const Value& object, const std::string& name) {
  if (object.is(Kind::kString)) {
    if (name == "length") return Value::integer(double(utf16_length(object.str())));
    if (!is_string_method(name)) return Value();
    return Value::function(
        name, [object, name](const ValueList& args) { return string_method(object, name, args); });
  }
  if (object.is_array_like()) {
    return name == "length" ? Value::integer(double(object.items().size())) : Value();
  }
  if (object.is_mapping() && is_mapping_method(name)) {
    return Value::function(
        name, [object, name](const ValueList& args) { return mapping_method(object, name, args); });
  }
  return Value();
}

ValueList split_string(const std::string& text, const Value& separator, double max_split) {
  if (!separator.is(Kind::kString) && !separator.is(Kind::kNull))
    fail("split(): sep must be a string or none");
  ValueList parts;
  if (separator.is(Kind::kNull)) {
    // Runs of white space separate; none at either end (the remainder after maxsplit
    // keeps its trailing white space).
    const std::string rest(js_trim_start(text));
    size_t i = 0, width = 0;
    while (i < rest.size()) {
      const size_t start = i;
      while (i < rest.size() && !js_whitespace_at(rest, i, &width)) {
        size_t w = 0;
        decode_utf8(rest, i, &w);
        i += w;
      }
      if (max_split >= 0 && double(parts.size()) >= max_split) {
        parts.push_back(Value::string(rest.substr(start)));
        return parts;
      }
      parts.push_back(Value::string(rest.substr(start, i - start)));
      while (js_whitespace_at(rest, i, &width)) i += width;
    }
    return parts;
  }
  const std::string& sep = separator.str();
  if (sep.empty()) fail("split(): empty separator");
  size_t start = 0, found = 0;
  while ((found = text.find(sep, start)) != std::string::npos) {
    if (max_split >= 0 && double(parts.size()) >= max_split) break;
    parts.push_back(Value::string(text.substr(start, found - start)));
    start = found + sep.size();
  }
  parts.push_back(Value::string(text.substr(start)));
  return parts;
}

std::string replace_string(const std::string& text, const std::string& old_text,
                           const std::string& new_text, double count) {
  if (count == 0) return text;
  double remaining = count < 0 ? std::numeric_limits<double>::infinity() : count;
  std::string out;
  if (old_text.empty()) {  // an empty pattern matches before every character and at the end
    for (std::string_view cp : code_points(text)) {
      if (remaining > 0) out += new_text, --remaining;
      out += cp;
    }
    if (remaining > 0) out += new_text;
    return out;
  }
  size_t start = 0, found = 0;
  while (remaining > 0 && (found = text.find(old_text, start)) != std::string::npos) {
    out += text.substr(start, found - start) + new_text;
    start = found + old_text.size();
    --remaining;
  }
  return out + text.substr(start);
}

std::string title_case(const std::string& text) {
  std::string out = text;
  for (size_t i = 0; i < out.size(); ++i) {
    const bool word_start = is_word_byte(out[i]) && (i == 0 || !is_word_byte(out[i - 1]));
    if (word_start && out[i] >= 'a' && out[i] <= 'z') out[i] = char(out[i] - 'a' + 'A');
  }
  return out;
}

}  // namespace tb::jinja
