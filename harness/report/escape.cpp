#include "harness/report/escape.h"

#include <utility>
#include <vector>

namespace tb {

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:  // XML 1.0 (and so SVG) allows no other control characters
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') out.push_back(c);
    }
  }
  return out;
}

std::string latex_escape(const std::string& text) {
  static const std::vector<std::pair<std::string, std::string>> kSymbols = {
      {"Δ", "$\\Delta$"}, {"±", "$\\pm$"},  {"×", "$\\times$"}, {"−", "$-$"}, {"–", "--"},
      {"—", "---"},       {"‖", "$\\|$"}, {"≤", "$\\le$"},     {"≥", "$\\ge$"},
      {"†", "$^\\dagger$"}};
  std::string out;
  for (size_t i = 0; i < text.size();) {
    bool replaced = false;
    for (const auto& [symbol, latex] : kSymbols) {
      if (text.compare(i, symbol.size(), symbol) == 0) {
        out += latex;
        i += symbol.size();
        replaced = true;
        break;
      }
    }
    if (replaced) continue;
    const char c = text[i++];
    switch (c) {
      case '\\': out += "\\textbackslash{}"; break;
      case '{': out += "\\{"; break;
      case '}': out += "\\}"; break;
      case '$': out += "\\$"; break;
      case '&': out += "\\&"; break;
      case '#': out += "\\#"; break;
      case '_': out += "\\_"; break;
      case '%': out += "\\%"; break;
      case '^': out += "\\textasciicircum{}"; break;
      case '~': out += "\\textasciitilde{}"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string markdown_cell(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '(':  // "](" would open a link's target; "[0.1, 0.2]" alone stays as written
        out += i > 0 && text[i - 1] == ']' ? "\\(" : "(";
        break;
      case '\\':
      case '|':
      case '`':
      case '*':
      case '$':
        out.push_back('\\');
        out.push_back(c);
        break;
      case '\n':
      case '\r':
      case '\t':
        out.push_back(' ');
        break;
      default:  // other control characters would reach a terminal or an editor raw
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out.push_back(c);
    }
  }
  return out;
}

}  // namespace tb
