// Small string helpers shared by the parsers of user-written text (law formulas, column
// expressions) and by messages that list names.
#pragma once
#include <cctype>
#include <string>

namespace tb {

// `s` without leading and trailing whitespace.
inline std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// `s` with ASCII letters in lower case (other bytes unchanged).
inline std::string ascii_lowercase(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

inline bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The strings of `items` (any range of std::string) with `separator` between them.
template <typename Range>
std::string joined(const Range& items, const std::string& separator = ", ") {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += separator;
    out += item;
    first = false;
  }
  return out;
}

}  // namespace tb
