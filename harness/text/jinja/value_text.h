// How values become text in @huggingface/jinja 0.5.13: printed by `{{ }}`, joined by `~`
// and `+`, and serialized by `tojson`. These decide the bytes of every rendered prompt:
//   {{ 1.0 }} -> "1.0" but 1.0 ~ "" -> "1" and 1.0|tojson -> "1";  {{ true }} -> "true";
//   {{ [1, "a"] }} -> '[1, "a"]' (JSON, ", " and ": " separators, non-ASCII kept).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "harness/text/jinja/value.h"

namespace tb::jinja {

// Number.prototype.toString(): shortest round-trip digits, "1e+21" from 1e21 up and below
// 1e-6, "NaN", "Infinity".
std::string js_number(double n);

// RuntimeValue.toString(): what `{{ value }}` prints (the renderer skips none and undefined).
std::string display(const Value& value);

// `value.value.toString()` in JavaScript, what `+` and `~` concatenate: numbers without a
// forced ".0", lists as their items' display joined by ",".
std::string concat_text(const Value& value);

struct JsonOptions {
  std::optional<double> indent;  // spaces per level; 0 or none: one line
  bool ensure_ascii = false;
  std::optional<std::pair<std::string, std::string>> separators;  // (item, key)
  bool sort_keys = false;
};

// The reference's `toJSON`; `undefined_as_null` is false when printing a container, which
// then shows an undefined item as `undefined`.
std::string to_json(const Value& value, const JsonOptions& options, bool undefined_as_null = true);

// JSON.stringify of a string.
std::string json_quote(std::string_view text);

}  // namespace tb::jinja
