// Command-line overrides "path=value" applied to a spec document before validation.
// path: dot-separated keys with [i] for list elements ("training.steps",
// "methods[1].rank"); value: JSON if it parses ("[0,1]", "3e-4", "true"), else a string.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace tb {

// Throws UserError for a malformed override or an index out of range.
void apply_override(nlohmann::json& document, const std::string& override_text);

}  // namespace tb
