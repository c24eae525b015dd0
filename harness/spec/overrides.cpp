#include "harness/spec/overrides.h"

#include <cctype>

#include "harness/common/check.h"
#include "harness/common/json_text.h"

namespace tb {
namespace {

struct PathStep {
  bool is_index;
  std::string key;
  size_t index;
};

std::vector<PathStep> parse_path(const std::string& path, const std::string& whole) {
  std::vector<PathStep> steps;
  size_t i = 0;
  auto bad = [&](const std::string& why) {
    throw UserError("override \"" + whole + "\": " + why +
                    " (expected key.path=value, e.g. training.steps=100 or methods[1].rank=4)");
  };
  while (i < path.size()) {
    if (path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string::npos || close == i + 1) bad("unclosed or empty [index]");
      const std::string digits = path.substr(i + 1, close - i - 1);
      for (char c : digits) {
        if (!std::isdigit(static_cast<unsigned char>(c))) bad("list index must be a number");
      }
      if (digits.size() > 9) bad("list index out of range");
      steps.push_back({true, "", std::stoul(digits)});
      i = close + 1;
      if (i < path.size() && path[i] == '.') ++i;
    } else {
      size_t end = i;
      while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
      if (end == i) bad("empty key");
      steps.push_back({false, path.substr(i, end - i), 0});
      i = end;
      if (i < path.size() && path[i] == '.') ++i;
    }
  }
  if (steps.empty()) bad("empty key");
  return steps;
}

// JSON if the text is JSON, else the text as a string ("task.name=reverse"). Well-formed
// JSON with a number out of range or a key given twice is refused, as in a spec file, and
// so is a malformed list or object: a string does not start with '[' or '{'.
nlohmann::json override_value(const std::string& value_text, const std::string& whole) {
  try {
    return parse_json_text(value_text, "override \"" + whole + "\"");
  } catch (const JsonTextError& e) {
    const bool meant_as_json =
        !value_text.empty() && (value_text[0] == '[' || value_text[0] == '{');
    if (!e.syntax() || meant_as_json) throw;
    return value_text;
  }
}

}  // namespace

void apply_override(nlohmann::json& document, const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw UserError("override \"" + text + "\": expected key.path=value, e.g. training.steps=100");
  }
  const nlohmann::json value = override_value(text.substr(eq + 1), text);

  nlohmann::json* node = &document;
  std::string walked;
  for (const PathStep& step : parse_path(text.substr(0, eq), text)) {
    if (step.is_index) {
      if (!node->is_array() || step.index >= node->size()) {
        throw UserError("override \"" + text + "\": " + (walked.empty() ? "(top level)" : walked) +
                        " has no element [" + std::to_string(step.index) + "]");
      }
      node = &(*node)[step.index];
      walked += "[" + std::to_string(step.index) + "]";
    } else {
      if (node->is_null()) *node = nlohmann::json::object();
      if (!node->is_object()) {
        throw UserError("override \"" + text + "\": " + walked + " is not an object");
      }
      node = &(*node)[step.key];
      walked += (walked.empty() ? "" : ".") + step.key;
    }
  }
  *node = value;
}

}  // namespace tb
