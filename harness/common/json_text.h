// Reading JSON that a person wrote (spec files, `key=value` overrides, tolerance files):
// stricter than nlohmann::json::parse, with one kind of message for every mistake.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "harness/common/check.h"

namespace tb {

// JSON text that cannot be read. The message is
//   "<label>: invalid JSON at line L, column C: [<JSON path>: ]<what was expected>".
class JsonTextError : public UserError {
 public:
  JsonTextError(const std::string& message, bool syntax) : UserError(message), syntax_(syntax) {}
  // True when the text is not JSON at all (as opposed to a number out of range or a
  // duplicated key in otherwise well-formed JSON).
  bool syntax() const { return syntax_; }

 private:
  bool syntax_;
};

// Parses `text`, refusing what nlohmann::json accepts silently or reports without a
// location: a key given twice in one object (the last value would win unseen) and a
// number beyond the range of a double (1e999, which is not a finite number).
nlohmann::json parse_json_text(const std::string& text, const std::string& label);

}  // namespace tb
