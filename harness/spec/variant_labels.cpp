#include "harness/spec/variant_labels.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

namespace tb {
namespace {

// The fewest "%g" digits that read back to the same double.
std::string shortest_g(double v) {
  char text[64];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, v);
    if (std::strtod(text, nullptr) == v) break;
  }
  return text;
}

// "1e-05" -> "1e-5", "2e+10" -> "2e10".
std::string tidy_exponent(const std::string& s) {
  const size_t e = s.find('e');
  return e == std::string::npos
             ? s
             : s.substr(0, e) + "e" + std::to_string(std::atoi(s.c_str() + e + 1));
}

// The fewest "%e" digits that read back to the same double, exponent tidied: "2.5e-3".
std::string shortest_e(double v) {
  char text[64];
  for (int digits = 0; digits <= 16; ++digits) {
    std::snprintf(text, sizeof text, "%.*e", digits, v);
    if (std::strtod(text, nullptr) == v) break;
  }
  return tidy_exponent(text);
}

// Plain from 0.01 up, scientific below, so a learning-rate sweep reads alike: 0.005 ->
// "5e-3", 0.0025 -> "2.5e-3", 0.05 -> "0.05", 8 -> "8".
std::string number_text(double v) {
  if (v == 0 || !std::isfinite(v) || std::fabs(v) >= 0.01) return tidy_exponent(shortest_g(v));
  return shortest_e(v);
}

// The keys whose text differs among `members` (indices into variants).
std::set<std::string> differing_keys(const std::vector<VariantSettings>& variants,
                                     const std::vector<size_t>& members) {
  std::set<std::string> out;
  std::map<std::string, std::set<std::string>> seen;
  for (size_t i : members) {
    for (const auto& [key, text] : variants[i].values) seen[key].insert(text);
  }
  for (const auto& [key, texts] : seen) {
    const bool everywhere = std::all_of(members.begin(), members.end(), [&](size_t i) {
      return variants[i].values.count(key) > 0;
    });
    if (texts.size() > 1 || !everywhere) out.insert(key);
  }
  return out;
}

}  // namespace

std::string setting_text(const nlohmann::json& v) {
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) out += (out.empty() ? "" : ",") + setting_text(e);
    return out;
  }
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return number_text(v.get<double>());
  return v.dump();
}

std::vector<std::string> variant_labels(const std::vector<VariantSettings>& variants,
                                        const std::vector<std::string>& entry_labels) {
  std::map<std::string, std::vector<size_t>>
      groups;  // "label:<entry>" or "method:<name>" -> variants
  for (size_t i = 0; i < variants.size(); ++i) {
    const std::string& given = entry_labels.at(variants[i].entry);
    groups[given.empty() ? "method:" + variants[i].method
                         : "label:" + std::to_string(variants[i].entry)]
        .push_back(i);
  }
  std::vector<std::string> labels(variants.size());
  for (const auto& [group, members] : groups) {
    const std::set<std::string> keys = differing_keys(variants, members);
    for (size_t i : members) {
      const std::string& given = entry_labels.at(variants[i].entry);
      std::string label = given.empty() ? variants[i].method : given;
      for (const auto& key : keys) {
        const auto it = variants[i].values.find(key);
        if (it != variants[i].values.end()) label += " " + key + "=" + it->second;
      }
      labels[i] = label;
    }
  }
  return labels;
}

}  // namespace tb
