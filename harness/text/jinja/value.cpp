// Runtime values (see value.h). Truthiness follows runtime.ts `__bool__`: numbers are false
// when 0 or NaN, strings/lists/mappings when empty; a namespace has no override there, so
// it is always true.
#include "harness/text/jinja/value.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "harness/text/jinja/template_error.h"
#include "harness/text/jinja/unicode_text.h"

namespace tb::jinja {

const Value* Entries::find(std::string_view key) const {
  for (const auto& [k, v] : items_) {
    if (k == key) return &v;
  }
  return nullptr;
}

void Entries::set(const std::string& key, Value value) {
  for (auto& [k, v] : items_) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  items_.emplace_back(key, std::move(value));
}

Value Value::null() {
  Value v;
  v.kind_ = Kind::kNull;
  return v;
}

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::kBoolean;
  v.boolean_ = b;
  return v;
}

Value Value::integer(double n) {
  Value v;
  v.kind_ = Kind::kInteger;
  v.number_ = n;
  return v;
}

Value Value::floating(double n) {
  Value v;
  v.kind_ = Kind::kFloat;
  v.number_ = n;
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  v.string_ = std::move(s);
  return v;
}

Value Value::array(ValueList items, Kind kind) {
  Value v;
  v.kind_ = kind;
  v.array_ = std::make_shared<ValueList>(std::move(items));
  return v;
}

Value Value::object(Entries entries, Kind kind) {
  Value v;
  v.kind_ = kind;
  v.object_ = std::make_shared<Entries>(std::move(entries));
  return v;
}

Value Value::function(std::string name, std::function<Value(const ValueList&)> call) {
  Value v;
  v.kind_ = Kind::kFunction;
  v.function_ = std::make_shared<Function>(Function{std::move(name), std::move(call)});
  return v;
}

bool Value::truthy() const {
  switch (kind_) {
    case Kind::kUndefined:
    case Kind::kNull:
      return false;
    case Kind::kBoolean:
      return boolean_;
    case Kind::kInteger:
    case Kind::kFloat:
      return number_ != 0 && !std::isnan(number_);
    case Kind::kString:
      return !string_.empty();
    case Kind::kArray:
    case Kind::kTuple:
      return !array_->empty();
    case Kind::kObject:
    case Kind::kKeywordArguments:
      return object_->size() > 0;
    case Kind::kNamespace:
    case Kind::kFunction:
      return true;
  }
  return false;
}

bool Value::same_object(const Value& other) const {
  if (array_ || other.array_) return array_ == other.array_;
  if (object_ || other.object_) return object_ == other.object_;
  return function_ && function_ == other.function_;
}

std::string type_name(Kind kind) {
  switch (kind) {
    case Kind::kUndefined:
      return "undefined";
    case Kind::kNull:
      return "none";
    case Kind::kBoolean:
      return "boolean";
    case Kind::kInteger:
      return "integer";
    case Kind::kFloat:
      return "float";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return "list";
    case Kind::kTuple:
      return "tuple";
    case Kind::kObject:
      return "mapping";
    case Kind::kKeywordArguments:
      return "keyword arguments";
    case Kind::kNamespace:
      return "namespace";
    case Kind::kFunction:
      return "function";
  }
  return "value";
}

std::string a_type_name(const Value& value) {
  switch (value.kind()) {
    case Kind::kUndefined:
    case Kind::kNull:
    case Kind::kKeywordArguments:
      return type_name(value);
    case Kind::kInteger:
      return "an integer";
    default:
      return "a " + type_name(value);
  }
}

namespace {

// The index a JavaScript object key denotes when it is an array index (a canonical decimal
// below 2^32 - 1), which JavaScript lists before all other keys.
std::optional<uint32_t> array_index(const std::string& key) {
  if (key.empty() || key.size() > 10 || (key.size() > 1 && key[0] == '0')) return std::nullopt;
  uint64_t n = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + uint64_t(c - '0');
  }
  if (n >= 0xFFFFFFFFull) return std::nullopt;
  return uint32_t(n);
}

Entries entries_from_json(const nlohmann::ordered_json& json) {
  using Item = nlohmann::ordered_json::const_iterator;
  std::vector<std::pair<uint32_t, Item>> indexed;
  std::vector<Item> named;
  for (auto it = json.begin(); it != json.end(); ++it) {
    if (!is_valid_utf8(it.key())) fail("a key of the template's input is not valid UTF-8");
    if (const auto index = array_index(it.key())) {
      indexed.emplace_back(*index, it);
    } else {
      named.push_back(it);
    }
  }
  std::stable_sort(indexed.begin(), indexed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Entries entries;
  for (const auto& [_, it] : indexed) entries.set(it.key(), value_from_json(it.value()));
  for (const Item& it : named) entries.set(it.key(), value_from_json(it.value()));
  return entries;
}

}  // namespace

Value value_from_json(const nlohmann::ordered_json& json) {
  switch (json.type()) {
    case nlohmann::ordered_json::value_t::null:
      return Value::null();
    case nlohmann::ordered_json::value_t::boolean:
      return Value::boolean(json.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer:
      return Value::integer(double(json.get<int64_t>()));
    case nlohmann::ordered_json::value_t::number_unsigned:
      return Value::integer(double(json.get<uint64_t>()));
    case nlohmann::ordered_json::value_t::number_float: {
      const double n = json.get<double>();
      return std::isfinite(n) && std::trunc(n) == n ? Value::integer(n) : Value::floating(n);
    }
    case nlohmann::ordered_json::value_t::string: {
      const auto& s = json.get_ref<const std::string&>();
      if (!is_valid_utf8(s)) fail("a string of the template's input is not valid UTF-8");
      return Value::string(s);
    }
    case nlohmann::ordered_json::value_t::array: {
      ValueList items;
      for (const auto& item : json) items.push_back(value_from_json(item));
      return Value::array(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object:
      return Value::object(entries_from_json(json));
    default:
      fail("the template's input holds a value JSON cannot express (binary or discarded)");
  }
}

}  // namespace tb::jinja
