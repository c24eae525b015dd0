// Reading the JSON files of a Hugging Face tokenizer folder with every refusal naming the file
// and the JSON pointer (RFC 6901) of the value, e.g.
//   tokenizer.json: /pre_tokenizer/pretokenizers/1/type: "Digits" is not supported (...)
#pragma once
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace tb {

// Parses a whole file; throws UserError naming it when it cannot be read or is not JSON.
nlohmann::json read_json_file(const std::filesystem::path& path);

// One value of a file, with where it is. Cheap to copy; refers to the document, which must
// outlive it.
class JsonAt {
 public:
  JsonAt(const nlohmann::json& value, std::string file, std::string pointer = "");

  const nlohmann::json& json() const { return *value_; }
  const std::string& pointer() const { return pointer_; }
  bool is_null() const { return value_->is_null(); }

  // A member that must be present (it may be null); fails naming the key when missing.
  JsonAt operator[](std::string_view key) const;
  JsonAt operator[](size_t index) const;
  // A member that may be absent or null (nullopt for both).
  std::optional<JsonAt> optional(std::string_view key) const;

  std::string as_string() const;
  bool as_bool() const;
  int64_t as_int() const;
  size_t size() const;  // of an array; fails for anything else
  void require_object() const;

  // A boolean member, `fallback` when absent or null.
  bool bool_or(std::string_view key, bool fallback) const;
  // The "type" member of a component object.
  std::string type() const;
  // Refuses members other than `known`: an option we do not read could change the result.
  void only_keys(std::initializer_list<std::string_view> known) const;

  // Throws UserError "<file>: <pointer>: <what>".
  [[noreturn]] void fail(const std::string& what) const;
  // Throws UserError "<file>: <pointer>: <value> is not supported (supported: <supported>)".
  [[noreturn]] void refuse(std::string_view supported) const;

 private:
  const nlohmann::json* value_;
  std::string file_;
  std::string pointer_;
};

}  // namespace tb
