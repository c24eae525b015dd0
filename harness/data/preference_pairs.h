// Preference pairs from a JSON Lines file in TRL's preference format: one object per
// non-blank line with string fields "prompt", "chosen" and "rejected" (explicit prompt,
// standard, not conversational); other fields are ignored.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace tb {

struct PreferenceText {
  std::string prompt, chosen, rejected;
  int64_t line = 0;  // 1-based
};

// Throws UserError naming the file, the line and what was expected when the file cannot be
// read, a line is not such an object, or the file holds no pair.
std::vector<PreferenceText> load_preference_pairs(const std::filesystem::path& file);

}  // namespace tb
