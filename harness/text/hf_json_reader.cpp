// JSON access with file and JSON pointer (RFC 6901) in every error message.
#include "harness/text/hf_json_reader.h"

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/common/json_text.h"

namespace tb {
namespace {

// RFC 6901 section 3: '~' is written "~0" and '/' is written "~1" inside a reference token.
std::string escape_pointer_token(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string kind_of(const nlohmann::json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_array()) return "an array";
  return "an object";
}

}  // namespace

nlohmann::json read_json_file(const std::filesystem::path& path) {
  return parse_json_text(read_file(path), path.string());
}

JsonAt::JsonAt(const nlohmann::json& value, std::string file, std::string pointer)
    : value_(&value), file_(std::move(file)), pointer_(std::move(pointer)) {}

JsonAt JsonAt::operator[](std::string_view key) const {
  require_object();
  const auto it = value_->find(key);
  if (it == value_->end()) fail("the member \"" + std::string(key) + "\" is missing");
  return JsonAt(*it, file_, pointer_ + "/" + escape_pointer_token(key));
}

JsonAt JsonAt::operator[](size_t index) const {
  if (!value_->is_array() || index >= value_->size()) fail("expected an array of more items");
  return JsonAt((*value_)[index], file_, pointer_ + "/" + std::to_string(index));
}

std::optional<JsonAt> JsonAt::optional(std::string_view key) const {
  require_object();
  const auto it = value_->find(key);
  if (it == value_->end() || it->is_null()) return std::nullopt;
  return JsonAt(*it, file_, pointer_ + "/" + escape_pointer_token(key));
}

std::string JsonAt::as_string() const {
  if (!value_->is_string()) fail("expected a string, found " + kind_of(*value_));
  return value_->get<std::string>();
}

bool JsonAt::as_bool() const {
  if (!value_->is_boolean()) fail("expected true or false, found " + kind_of(*value_));
  return value_->get<bool>();
}

int64_t JsonAt::as_int() const {
  if (!value_->is_number_integer()) fail("expected an integer, found " + kind_of(*value_));
  if (value_->is_number_unsigned() && value_->get<uint64_t>() > uint64_t(INT64_MAX)) {
    fail("the integer is too large");
  }
  return value_->get<int64_t>();
}

size_t JsonAt::size() const {
  if (!value_->is_array()) fail("expected an array, found " + kind_of(*value_));
  return value_->size();
}

void JsonAt::require_object() const {
  if (!value_->is_object()) fail("expected an object, found " + kind_of(*value_));
}

bool JsonAt::bool_or(std::string_view key, bool fallback) const {
  const std::optional<JsonAt> member = optional(key);
  return member ? member->as_bool() : fallback;
}

std::string JsonAt::type() const { return (*this)["type"].as_string(); }

void JsonAt::only_keys(std::initializer_list<std::string_view> known) const {
  require_object();
  for (const auto& [key, value] : value_->items()) {
    bool listed = false;
    for (const std::string_view k : known) listed = listed || k == key;
    if (listed) continue;
    std::string names;
    for (const std::string_view k : known) names += (names.empty() ? "" : ", ") + std::string(k);
    fail("the option \"" + key + "\" is not supported (supported: " + names +
         "); remove it if it has no effect, or ask for support");
  }
}

void JsonAt::fail(const std::string& what) const {
  throw UserError(file_ + ": " + (pointer_.empty() ? "/" : pointer_) + ": " + what);
}

void JsonAt::refuse(std::string_view supported) const {
  fail(value_->dump() + " is not supported (supported: " + std::string(supported) + ")");
}

}  // namespace tb
