#include "harness/data/preference_pairs.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/common/check.h"

namespace tb {
namespace {

std::string field(const nlohmann::json& line, const char* name, const std::string& where) {
  if (!line.contains(name) || !line.at(name).is_string() || line.at(name).get<std::string>().empty()) {
    throw UserError(where + ": expected a non-empty string \"" + name + "\" (TRL's preference format: prompt, chosen, rejected)");
  }
  return line.at(name).get<std::string>();
}

}  // namespace

std::vector<PreferenceText> load_preference_pairs(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw UserError(file.string() + ": cannot read the preference pairs file");
  std::vector<PreferenceText> pairs;
  std::string text;
  for (int64_t number = 1; std::getline(in, text); ++number) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = file.string() + ":" + std::to_string(number);
    const nlohmann::json line = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!line.is_object()) throw UserError(where + ": expected a JSON object");
    pairs.push_back({field(line, "prompt", where), field(line, "chosen", where), field(line, "rejected", where), number});
  }
  if (pairs.empty()) throw UserError(file.string() + ": holds no preference pair");
  return pairs;
}

}  // namespace tb
