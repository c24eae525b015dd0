#include "methods/target_modules.h"

#include <algorithm>
#include <regex>
#include <stdexcept>

namespace tb {

std::vector<ProjectionInfo> select_projections(const std::vector<std::string>& patterns,
                                               const LlamaConfig& c) {
  const auto all = projection_infos(c);
  std::vector<bool> chosen(all.size(), false);
  for (const auto& pattern : patterns) {
    const bool is_leaf = std::find(kProjectionLeaves.begin(), kProjectionLeaves.end(), pattern) !=
                         kProjectionLeaves.end();
    std::regex expression;
    if (!is_leaf) {
      try {
        expression = std::regex(pattern);
      } catch (const std::regex_error& e) {
        throw std::invalid_argument(
            "\"" + pattern + "\" is neither a projection name nor a valid regular expression (" +
            e.what() + ")");
      }
    }
    bool matched = false;
    for (size_t i = 0; i < all.size(); ++i) {
      if (is_leaf ? all[i].leaf == pattern : std::regex_match(all[i].name, expression)) {
        chosen[i] = true;
        matched = true;
      }
    }
    if (!matched) {
      throw std::invalid_argument("unknown target module \"" + pattern +
                                  "\": it matches no projection of the model (" +
                                  std::string(kTargetModulesHelp) + ")");
    }
  }
  std::vector<ProjectionInfo> out;
  for (size_t i = 0; i < all.size(); ++i) {
    if (chosen[i]) out.push_back(all[i]);
  }
  return out;
}

std::set<std::string> selected_names(const std::vector<std::string>& patterns,
                                     const LlamaConfig& c) {
  std::set<std::string> names;
  for (const auto& p : select_projections(patterns, c)) names.insert(p.name);
  return names;
}

std::vector<ProjectionInfo> check_target_modules(const nlohmann::json& hp, const LlamaConfig& c,
                                                 const JsonLocation& where,
                                                 const std::string& field) {
  const auto patterns = hp.at(field).get<std::vector<std::string>>();
  if (patterns.empty())
    where.key(field).fail("expected at least one module; the method would train nothing");
  try {
    return select_projections(patterns, c);
  } catch (const std::invalid_argument& e) {
    where.key(field).fail(e.what());
  }
  return {};
}

}  // namespace tb
