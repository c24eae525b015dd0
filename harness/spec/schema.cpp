#include "harness/spec/schema.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/common/sha256.h"

namespace tb {

void JsonLocation::fail(const std::string& message) const {
  throw UserError(file_ + ": " + (path_.empty() ? std::string("(top level)") : path_) + ": " +
                  message);
}

std::string describe_json(const nlohmann::json& value) {
  // Bytes that are not UTF-8 (a `key=value` override can carry them) are shown as U+FFFD.
  std::string s = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

std::string field_names(const Schema& schema) {
  std::string out;
  for (const auto& f : schema) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

namespace {

std::string format_number(double v) {
  // Whole limits in full ("<= 1000000000", not "<= 1e+09"): they are what a user types.
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(int64_t(v));
  std::ostringstream ss;
  ss << v;
  return ss.str();
}

std::string range_text(const Field& f) {
  std::string out;
  if (f.min) out += std::string(f.min_exclusive ? " > " : " >= ") + format_number(*f.min);
  if (f.max) out += (out.empty() ? " <= " : " and <= ") + format_number(*f.max);
  return out;
}

std::string choices_text(const Field& f) {
  std::string out;
  for (const auto& c : f.choices) out += (out.empty() ? "" : ", ") + c;
  return out;
}

void check_range(double v, const Field& f, const std::string& kind, const JsonLocation& where,
                 const nlohmann::json& original) {
  const bool below = f.min && (f.min_exclusive ? v <= *f.min : v < *f.min);
  const bool above = f.max && v > *f.max;
  if (below || above) {
    where.fail("expected " + kind + range_text(f) + ", got " + describe_json(original));
  }
}

void check_choice(const std::string& s, const Field& f, const JsonLocation& where) {
  if (!f.choices.empty() && std::find(f.choices.begin(), f.choices.end(), s) == f.choices.end()) {
    where.fail("unknown value \"" + s + "\"; expected one of: " + choices_text(f));
  }
}

// A file named relative to the spec's folder: its absolute path and the hash of its bytes.
nlohmann::json validate_file(const nlohmann::json& value, const JsonLocation& where) {
  if (!value.is_string() || value.get<std::string>().empty()) {
    where.fail("expected a file name (relative to the spec's folder), got " + describe_json(value));
  }
  const std::filesystem::path spec_dir = std::filesystem::path(where.file()).parent_path();
  const std::filesystem::path path = std::filesystem::absolute(spec_dir / value.get<std::string>()).lexically_normal();
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    where.fail("no such file: " + path.string() + " (file names are relative to the spec's folder)");
  }
  std::string bytes;
  try {
    bytes = read_file(path);
  } catch (const std::exception& e) {
    where.fail("cannot read " + path.string() + ": " + e.what());
  }
  return {{"path", path.string()}, {"sha256", sha256_hex(bytes)}};
}

}  // namespace

std::string checked_file_path(const nlohmann::json& entry) {
  const std::string path = entry.at("path").get<std::string>();
  std::string bytes;
  try {
    bytes = read_file(path);
  } catch (const std::exception& e) {
    throw UserError(path + ": cannot be read (" + e.what() + ")");
  }
  if (sha256_hex(bytes) != entry.at("sha256").get<std::string>()) {
    throw UserError(path + ": the file changed since the sweep was validated (its runs are keyed by its "
                    "contents); restore it or start a new sweep");
  }
  return path;
}

nlohmann::json validate_value(const nlohmann::json& value, const Field& f,
                              const JsonLocation& where) {
  switch (f.type) {
    case FieldType::kInt: {
      const bool integral = value.is_number_integer() ||
                            (value.is_number_float() && std::isfinite(value.get<double>()) &&
                             std::floor(value.get<double>()) == value.get<double>());
      if (!integral) where.fail("expected an integer" + range_text(f) + ", got " + describe_json(value));
      const bool representable = value.is_number_unsigned()
                                     ? value.get<uint64_t>() <= uint64_t(INT64_MAX)
                                     : std::fabs(value.get<double>()) < 9.2e18;
      if (!representable) where.fail("integer out of range, got " + describe_json(value));
      const auto v = value.is_number_integer() ? value.get<int64_t>()
                                               : static_cast<int64_t>(value.get<double>());
      check_range(static_cast<double>(v), f, "an integer", where, value);
      return v;
    }
    case FieldType::kNumber: {
      if (!value.is_number() || !std::isfinite(value.get<double>())) {
        where.fail("expected a number" + range_text(f) + ", got " + describe_json(value));
      }
      const double v = value.get<double>();
      check_range(v, f, "a number", where, value);
      return v;
    }
    case FieldType::kBool:
      if (!value.is_boolean()) where.fail("expected true or false, got " + describe_json(value));
      return value;
    case FieldType::kString:
      if (!value.is_string()) where.fail("expected a string, got " + describe_json(value));
      check_choice(value.get<std::string>(), f, where);
      return value;
    case FieldType::kStringList: {
      if (!value.is_array()) where.fail("expected a list of strings, got " + describe_json(value));
      for (size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string()) {
          where.index(i).fail("expected a string, got " + describe_json(value[i]));
        }
        check_choice(value[i].get<std::string>(), f, where.index(i));
      }
      return value;
    }
    case FieldType::kFile:
      return validate_file(value, where);
    case FieldType::kIntList:
    case FieldType::kNumberList: {
      const bool ints = f.type == FieldType::kIntList;
      if (!value.is_array() || value.empty()) {
        where.fail(std::string("expected a non-empty list of ") + (ints ? "integers" : "numbers") +
                   range_text(f) + ", got " + describe_json(value));
      }
      Field element = f;
      element.type = ints ? FieldType::kInt : FieldType::kNumber;
      nlohmann::json out = nlohmann::json::array();
      for (size_t i = 0; i < value.size(); ++i) out.push_back(validate_value(value[i], element, where.index(i)));
      return out;
    }
  }
  TB_CHECK(false, "unhandled field type");
}

bool is_sweep(const nlohmann::json& value, const Field& field) {
  if (!field.sweepable || !value.is_array()) return false;
  return !is_list_type(field.type) || (!value.empty() && value[0].is_array());
}

nlohmann::json validate_field(const nlohmann::json& value, const Field& field,
                              const JsonLocation& at) {
  if (is_sweep(value, field)) {
    if (value.empty()) at.fail("a sweep needs at least one value");
    nlohmann::json values = nlohmann::json::array();
    for (size_t i = 0; i < value.size(); ++i) values.push_back(validate_value(value[i], field, at.index(i)));
    return values;
  }
  if (value.is_array() && !is_list_type(field.type)) {
    at.fail("takes a single value, not a list (it cannot be swept), got " + describe_json(value));
  }
  return validate_value(value, field, at);
}

nlohmann::json validate_object(const nlohmann::json& object, const Schema& schema,
                               const JsonLocation& where,
                               const std::vector<std::string>& extra_keys) {
  if (object.is_null()) return validate_object(nlohmann::json::object(), schema, where, extra_keys);
  if (!object.is_object()) where.fail("expected an object, got " + describe_json(object));
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : object.items()) {
    if (!key.empty() && key[0] == '_') continue;  // "_doc" and other comments
    if (std::find(extra_keys.begin(), extra_keys.end(), key) != extra_keys.end()) continue;
    const auto it = std::find_if(schema.begin(), schema.end(), [&](const Field& f) { return f.name == key; });
    if (it == schema.end()) {
      where.key(key).fail("unknown key; expected one of: " + field_names(schema));
    }
    out[key] = validate_field(value, *it, where.key(key));
  }
  for (const auto& f : schema) {
    if (out.contains(f.name) || f.omit_when_absent) continue;
    if (f.default_value.is_null()) where.key(f.name).fail("missing required key (" + f.help + ")");
    out[f.name] = f.default_value;
  }
  return out;
}

}  // namespace tb
