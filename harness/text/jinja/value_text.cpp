// Value -> text as @huggingface/jinja 0.5.13 writes it (see value_text.h). Number printing
// follows ECMA-262 Number::toString (§6.1.6.1.20) on the shortest round-trip digits, which
// std::to_chars also produces (same tie-breaking: the digits closest to the value).
#include "harness/text/jinja/value_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "harness/text/jinja/template_error.h"
#include "harness/text/jinja/unicode_text.h"

namespace tb::jinja {

std::string js_number(double n) {
  if (std::isnan(n)) return "NaN";
  if (n == 0) return "0";
  if (n < 0) return "-" + js_number(-n);
  if (std::isinf(n)) return "Infinity";
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, n, std::chars_format::scientific);
  const std::string sci(buf, result.ptr);  // "d.ddde+XX" or "de-XX"
  const size_t e = sci.find('e');
  std::string digits = sci.substr(0, e);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  const int k = int(digits.size());
  const int point = std::atoi(sci.c_str() + e + 1) + 1;  // ECMA-262's n
  if (k <= point && point <= 21) return digits + std::string(size_t(point - k), '0');
  if (0 < point && point <= 21)
    return digits.substr(0, size_t(point)) + "." + digits.substr(size_t(point));
  if (-6 < point && point <= 0) return "0." + std::string(size_t(-point), '0') + digits;
  const int exponent = point - 1;
  std::string out = digits.substr(0, 1);
  if (k > 1) out += "." + digits.substr(1);
  return out + "e" + (exponent >= 0 ? "+" : "-") + std::to_string(std::abs(exponent));
}

namespace {

// FloatValue.toString(): whole numbers keep one decimal, as Python prints floats.
std::string float_display(double n) {
  if (n == 0 && std::signbit(n)) return "-0.0";
  if (!std::isfinite(n) || std::fmod(n, 1.0) != 0) return js_number(n);
  if (std::fabs(n) >= 1e21) return js_number(n);  // toFixed falls back to toString there
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", n);
  return buf;
}

}  // namespace

std::string display(const Value& value) {
  switch (value.kind()) {
    case Kind::kUndefined:
      return "undefined";
    case Kind::kNull:
      return "undefined";  // the reference's NullValue holds JavaScript's undefined
    case Kind::kBoolean:
      return value.as_bool() ? "true" : "false";
    case Kind::kInteger:
      return js_number(value.number());
    case Kind::kFloat:
      return float_display(value.number());
    case Kind::kString:
      return value.str();
    case Kind::kArray:
    case Kind::kTuple:
    case Kind::kObject:
    case Kind::kKeywordArguments:
    case Kind::kNamespace:
      return to_json(value, JsonOptions{}, false);
    case Kind::kFunction:
      fail_unsupported("printing a function (" + value.function().name + ")");
  }
  return "";
}

std::string concat_text(const Value& value) {
  switch (value.kind()) {
    case Kind::kInteger:
    case Kind::kFloat:
      return js_number(value.number());
    case Kind::kArray:
    case Kind::kTuple: {
      std::string out;
      for (size_t i = 0; i < value.items().size(); ++i) {
        if (i > 0) out += ',';
        out += display(value.items()[i]);
      }
      return out;
    }
    case Kind::kObject:
    case Kind::kKeywordArguments:
    case Kind::kNamespace:
    case Kind::kFunction:
      fail_unsupported("joining " + a_type_name(value) + " into a string with '+' or '~'");
    default:
      return display(value);
  }
}

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

namespace {

std::string quoted(std::string_view text, const JsonOptions& options) {
  const std::string json = json_quote(text);
  return options.ensure_ascii ? escape_non_ascii(json) : json;
}

std::string json_number(double n) { return std::isfinite(n) ? js_number(n) : "null"; }

struct Layout {
  std::string item_separator, key_separator, base_padding, child_padding;
  bool indented = false;
};

Layout layout_at(const JsonOptions& options, int depth) {
  Layout layout;
  const double indent = options.indent.value_or(0);
  layout.indented = indent != 0 && !std::isnan(indent);
  if (layout.indented && indent < 0) fail("tojson: indent must not be negative");
  const std::string unit = layout.indented ? std::string(size_t(indent), ' ') : "";
  if (options.separators) {
    layout.item_separator = options.separators->first;
    layout.key_separator = options.separators->second;
  } else {
    layout.item_separator = layout.indented ? "," : ", ";
    layout.key_separator = ": ";
  }
  layout.base_padding = "\n";
  for (int i = 0; i < depth; ++i) layout.base_padding += unit;
  layout.child_padding = layout.base_padding + unit;
  return layout;
}

std::string array_json(const Value& value, const JsonOptions& options, int depth,
                       bool undefined_as_null);
std::string object_json(const Value& value, const JsonOptions& options, int depth,
                        bool undefined_as_null);

std::string to_json_at(const Value& value, const JsonOptions& options, int depth,
                       bool undefined_as_null) {
  switch (value.kind()) {
    case Kind::kNull:
      return "null";
    case Kind::kUndefined:
      return undefined_as_null ? "null" : "undefined";
    case Kind::kInteger:
    case Kind::kFloat:
      return json_number(value.number());
    case Kind::kBoolean:
      return value.as_bool() ? "true" : "false";
    case Kind::kString:
      return quoted(value.str(), options);
    case Kind::kArray:
      return array_json(value, options, depth, undefined_as_null);
    case Kind::kObject:
    case Kind::kNamespace:
      return object_json(value, options, depth, undefined_as_null);
    default:
      // As the reference: tuples, keyword arguments and functions have no JSON form.
      fail("cannot convert " + a_type_name(value) + " to JSON");
  }
}

std::string array_json(const Value& value, const JsonOptions& options, int depth,
                       bool undefined_as_null) {
  const Layout layout = layout_at(options, depth);
  const ValueList& items = value.items();
  if (items.empty()) return "[]";
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += layout.item_separator;
    if (layout.indented) out += layout.child_padding;
    out += to_json_at(items[i], options, depth + 1, undefined_as_null);
  }
  return out + (layout.indented ? layout.base_padding : "") + "]";
}

std::string object_json(const Value& value, const JsonOptions& options, int depth,
                        bool undefined_as_null) {
  const Layout layout = layout_at(options, depth);
  const auto& entries = value.entries().items();
  // JavaScript's localeCompare (ICU collation) is not reproduced.
  if (options.sort_keys && entries.size() > 1) fail_unsupported("tojson(sort_keys=true)");
  if (entries.empty()) return "{}";
  std::string out = "{";
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out += layout.item_separator;
    if (layout.indented) out += layout.child_padding;
    out += quoted(entries[i].first, options) + layout.key_separator +
           to_json_at(entries[i].second, options, depth + 1, undefined_as_null);
  }
  return out + (layout.indented ? layout.base_padding : "") + "}";
}

}  // namespace

std::string to_json(const Value& value, const JsonOptions& options, bool undefined_as_null) {
  return to_json_at(value, options, 0, undefined_as_null);
}

}  // namespace tb::jinja
