// Command-line overrides "path=value" applied to a spec document before validation.
// path: dot-separated keys with [i] for list elements ("training.steps",
// "methods[1].rank"); value: JSON if it parses ("[0,1]", "3e-4", "true"), else a string.
// A value that starts with '[' or '{' must be valid JSON (a string that starts so is
// given quoted: name='"[draft]"'); a number out of range (1e999) or a key given twice is
// refused as in a spec file.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace tb {

// Throws UserError for a malformed override, an index out of range, or a value refused above.
void apply_override(nlohmann::json& document, const std::string& override_text);

}  // namespace tb
