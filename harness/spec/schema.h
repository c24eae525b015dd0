// Declarative option schemas and the one validator every spec section goes through,
// so that every bad input gets the same kind of message: file, JSON path, what was
// expected, what was found.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tb {

// kFile: a path relative to the spec file's folder, validated to {"path": absolute path,
// "sha256": its contents' hash}; run keys hash the contents, not the path (grid.h).
enum class FieldType { kInt, kNumber, kBool, kString, kStringList, kIntList, kNumberList, kFile };

// List types: a non-empty list whose elements obey min, max and choices.
inline bool is_list_type(FieldType t) {
  return t == FieldType::kStringList || t == FieldType::kIntList || t == FieldType::kNumberList;
}

struct Field {
  std::string name;
  FieldType type = FieldType::kNumber;
  nlohmann::json default_value;  // null: the key is required
  std::optional<double> min;     // inclusive unless min_exclusive
  bool min_exclusive = false;
  std::optional<double> max;     // inclusive
  std::vector<std::string> choices;  // allowed strings (for kString and kStringList elements)
  bool sweepable = false;  // a list of values (a list of lists for kStringList) is a grid axis
  std::string help;
  // Optional without a default: a missing key stays missing (for keys added after specs were
  // written, so that those specs keep their run keys).
  bool omit_when_absent = false;
};
using Schema = std::vector<Field>;

// Upper limits shared by several fields (each Field states its own `max`; a value beyond
// it is refused at validation with its JSON path). Every integer field has one, so that no
// spec asks for more than this CPU build can do before a run ends: seeds are the exception.
inline constexpr double kMaxSteps = 1e9;       // training steps, and intervals counted in steps
inline constexpr double kMaxBatchSize = 4096;  // rows per training or evaluation batch
inline constexpr double kMaxTokens = 65536;    // any length in tokens (context, sequence, item)
inline constexpr double kMaxTrainItems = 1e6;  // distinct items generated for training
inline constexpr double kMaxEvalItems = 1e5;   // items generated for one evaluation set

// Where a JSON value sits, for error messages: "spec.json: methods[1].rank: ...".
class JsonLocation {
 public:
  JsonLocation(std::string file, std::string path = "") : file_(std::move(file)), path_(std::move(path)) {}
  JsonLocation key(const std::string& k) const {
    const std::string shown = k.empty() ? "\"\"" : k;
    return {file_, path_.empty() ? shown : path_ + "." + shown};
  }
  JsonLocation index(size_t i) const { return {file_, path_ + "[" + std::to_string(i) + "]"}; }
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }
  // Throws UserError "<file>: <path>: <message>".
  [[noreturn]] void fail(const std::string& message) const;

 private:
  std::string file_;
  std::string path_;
};

// The path of a validated kFile entry {"path", "sha256"}, after checking that the file still
// has the contents the sweep was validated with (UserError naming it otherwise).
std::string checked_file_path(const nlohmann::json& entry);

// Short JSON rendering of a value for messages (truncated when long).
std::string describe_json(const nlohmann::json& value);

// Validates `object` against `schema`: it must be an object, every key known, every value
// of the declared type and range; missing optional keys get their defaults. Sweepable
// fields keep their list of values (each checked) for grid expansion. Keys listed in
// `extra_keys` are left alone for the caller to check.
nlohmann::json validate_object(const nlohmann::json& object, const Schema& schema,
                               const JsonLocation& where,
                               const std::vector<std::string>& extra_keys = {});

// Checks one value against one field (no sweep lists); returns it normalised
// (integers stay integers, numbers become doubles).
nlohmann::json validate_value(const nlohmann::json& value, const Field& field,
                              const JsonLocation& where);

// Checks one entry of an object: a single value, or for a sweepable field a list of
// values (each checked) that grid expansion will iterate.
nlohmann::json validate_field(const nlohmann::json& value, const Field& field,
                              const JsonLocation& where);

// True when a validated value of `field` is a sweep (several values to expand).
bool is_sweep(const nlohmann::json& value, const Field& field);

// "a, b, c" of the schema's field names, for "expected one of" messages.
std::string field_names(const Schema& schema);

}  // namespace tb
