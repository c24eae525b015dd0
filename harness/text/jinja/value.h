// The runtime values of the engine, mirroring @huggingface/jinja 0.5.13 src/runtime.ts:
// undefined, none, booleans, integers and floats (both JavaScript numbers, kept apart
// because they print differently), strings, lists and tuples, mappings (ordered by
// insertion), namespaces (the only mutable values), keyword-argument bundles and
// functions. Lists, mappings and namespaces are shared, not copied, so `==` can compare
// them by identity as the reference does.
#pragma once
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tb::jinja {

enum class Kind {
  kUndefined,
  kNull,
  kBoolean,
  kInteger,
  kFloat,
  kString,
  kArray,
  kTuple,
  kObject,
  kKeywordArguments,
  kNamespace,
  kFunction,
};

class Value;
using ValueList = std::vector<Value>;

// Insertion-ordered string -> value map; setting an existing key keeps its position.
class Entries {
 public:
  const Value* find(std::string_view key) const;
  void set(const std::string& key, Value value);
  const std::vector<std::pair<std::string, Value>>& items() const { return items_; }
  size_t size() const { return items_.size(); }

 private:
  std::vector<std::pair<std::string, Value>> items_;
};

// A built-in callable. `args` are the positional arguments, followed by one
// kKeywordArguments value when keyword arguments were given (the reference's convention).
struct Function {
  std::string name;
  std::function<Value(const ValueList& args)> call;
};

class Value {
 public:
  Value() = default;  // undefined
  static Value null();
  static Value boolean(bool b);
  static Value integer(double n);
  static Value floating(double n);
  static Value string(std::string s);
  static Value array(ValueList items, Kind kind = Kind::kArray);
  static Value object(Entries entries, Kind kind = Kind::kObject);
  static Value function(std::string name, std::function<Value(const ValueList&)> call);

  Kind kind() const { return kind_; }
  bool is(Kind kind) const { return kind_ == kind; }
  bool is_number() const { return kind_ == Kind::kInteger || kind_ == Kind::kFloat; }
  bool is_array_like() const { return kind_ == Kind::kArray || kind_ == Kind::kTuple; }
  // Mappings in the reference's sense (ObjectValue): plain objects and keyword arguments.
  bool is_mapping() const { return kind_ == Kind::kObject || kind_ == Kind::kKeywordArguments; }
  bool has_entries() const { return is_mapping() || kind_ == Kind::kNamespace; }

  bool as_bool() const { return boolean_; }
  double number() const { return number_; }
  const std::string& str() const { return string_; }
  const ValueList& items() const { return *array_; }
  Entries& entries() const { return *object_; }
  const Function& function() const { return *function_; }

  // Jinja truthiness as the reference computes it (a namespace is always true).
  bool truthy() const;
  // Same list, mapping, namespace or function (JavaScript object identity).
  bool same_object(const Value& other) const;

 private:
  Kind kind_ = Kind::kUndefined;
  bool boolean_ = false;
  double number_ = 0;
  std::string string_;
  std::shared_ptr<ValueList> array_;
  std::shared_ptr<Entries> object_;
  std::shared_ptr<Function> function_;
};

// The reference's type names ("StringValue", ...) in the words error messages use.
std::string type_name(Kind kind);
inline std::string type_name(const Value& value) { return type_name(value.kind()); }
// With an article, for sentences: "an integer", "a string", "none", "undefined".
std::string a_type_name(const Value& value);

// JSON as the reference receives it after JSON.parse: whole numbers become integers (1.0
// too), and object keys that are array indices ("0", "7") come first in ascending order,
// as JavaScript orders an object's own keys. Throws TemplateFailure on invalid UTF-8.
Value value_from_json(const nlohmann::ordered_json& json);

}  // namespace tb::jinja
