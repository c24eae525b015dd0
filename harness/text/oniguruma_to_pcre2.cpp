// Oniguruma (doc/RE, Ruby syntax) to PCRE2 (pcre2pattern(3)) for tokenizer.json patterns; see
// the header for what is kept, translated and refused.
#include "harness/text/oniguruma_to_pcre2.h"

#include <array>
#include <cctype>

namespace tb {
namespace {

// General categories: the property names both engines read the same way.
constexpr std::array<std::string_view, 37> kGeneralCategories = {
    "C",  "Cc", "Cf", "Cn", "Co", "Cs", "L",  "Ll", "Lm", "Lo", "Lt", "Lu", "M",
    "Mc", "Me", "Mn", "N",  "Nd", "Nl", "No", "P",  "Pc", "Pd", "Pe", "Pf", "Pi",
    "Po", "Ps", "S",  "Sc", "Sk", "Sm", "So", "Z",  "Zl", "Zp", "Zs"};

class Translator {
 public:
  explicit Translator(std::string_view pattern) : in_(pattern) {}

  std::string run() {
    while (at_ < in_.size()) {
      const char c = in_[at_];
      if (c == '\\') {
        escape(/*in_class=*/false);
      } else if (c == '[') {
        character_class();
      } else if (c == '(') {
        group_opening();
      } else if (c == '^' || c == '$') {
        refuse(std::string("the anchor ") + c + " (a line anchor in Oniguruma, not in PCRE2)");
      } else if (c == '{') {
        brace();
      } else {
        out_ += c;
        ++at_;
      }
    }
    return out_;
  }

 private:
  [[noreturn]] void refuse(const std::string& what) const {
    throw std::invalid_argument(what + " at offset " + std::to_string(at_) + " of the pattern");
  }

  bool starts_with(std::string_view s) const { return in_.substr(at_, s.size()) == s; }

  // `\` at at_: copies or translates one escape.
  void escape(bool in_class) {
    if (at_ + 1 >= in_.size()) refuse("a trailing backslash");
    const char e = in_[at_ + 1];
    at_ += 2;
    switch (e) {
      case 's':
        out_ += "\\p{White_Space}";
        return;
      case 'S':
        out_ += "\\P{White_Space}";
        return;
      case 'v':
        out_ += "\\x0B";
        return;
      case 'p':
      case 'P':
        property(e);
        return;
      case 'u':
        unicode_escape();
        return;
      case 'x':
        hex_escape();
        return;
      case 'd':
      case 'D':
      case 't':
      case 'n':
      case 'r':
      case 'f':
      case 'a':
      case 'e':
        out_ += '\\';
        out_ += e;
        return;
      case 'A':
      case 'z':
      case 'Z':
        if (in_class) break;
        out_ += '\\';
        out_ += e;
        return;
      default:
        if (!std::isalnum(static_cast<unsigned char>(e))) {  // escaped punctuation: a literal
          out_ += '\\';
          out_ += e;
          return;
        }
    }
    at_ -= 2;
    refuse(std::string("the escape \\") + e + " (its meaning differs between Oniguruma and PCRE2)");
  }

  void property(char p) {
    if (at_ >= in_.size() || in_[at_] != '{') refuse(std::string("\\") + p + " without {name}");
    const size_t close = in_.find('}', at_);
    if (close == std::string_view::npos) refuse("an unterminated \\p{");
    std::string_view name = in_.substr(at_ + 1, close - at_ - 1);
    const bool negated = !name.empty() && name[0] == '^';
    if (negated) name.remove_prefix(1);
    bool known = false;
    for (const std::string_view category : kGeneralCategories) known = known || category == name;
    if (!known) {
      refuse("the property \\p{" + std::string(name) +
             "} (only general categories such as L, N, Lu are translated)");
    }
    out_ += '\\';
    out_ += p;
    out_ += '{';
    if (negated) out_ += '^';
    out_ += name;
    out_ += '}';
    at_ = close + 1;
  }

  void unicode_escape() {
    const std::string_view hex = in_.substr(at_, 4);
    if (hex.size() != 4) refuse("a short \\u escape");
    for (const char h : hex) {
      if (!std::isxdigit(static_cast<unsigned char>(h)))
        refuse("a \\u escape without 4 hex digits");
    }
    out_ += "\\x{" + std::string(hex) + "}";
    at_ += 4;
  }

  void hex_escape() {
    out_ += "\\x";
    if (at_ < in_.size() && in_[at_] == '{') {
      const size_t close = in_.find('}', at_);
      if (close == std::string_view::npos) refuse("an unterminated \\x{");
      out_ += in_.substr(at_, close + 1 - at_);
      at_ = close + 1;
      return;
    }
    for (int i = 0;
         i < 2 && at_ < in_.size() && std::isxdigit(static_cast<unsigned char>(in_[at_])); ++i) {
      out_ += in_[at_++];
    }
  }

  void character_class() {
    out_ += '[';
    ++at_;
    if (at_ < in_.size() && in_[at_] == '^') {
      out_ += '^';
      ++at_;
    }
    if (at_ < in_.size() && in_[at_] == ']') {  // a first ']' is a literal in both engines
      out_ += "\\]";
      ++at_;
    }
    while (at_ < in_.size()) {
      const char c = in_[at_];
      if (c == ']') {
        out_ += ']';
        ++at_;
        return;
      }
      if (c == '\\') {
        escape(/*in_class=*/true);
      } else if (c == '[') {
        refuse("a nested class or POSIX bracket inside [...]");
      } else if (starts_with("&&")) {
        refuse("a class intersection &&");
      } else {
        out_ += c;
        ++at_;
      }
    }
    refuse("an unterminated character class");
  }

  void group_opening() {
    static constexpr std::array<std::string_view, 7> kKept = {
        "(?:", "(?=", "(?!", "(?<=", "(?<!", "(?>", "(?i:"};
    for (const std::string_view opener : kKept) {
      if (starts_with(opener)) {
        out_ += opener;
        at_ += opener.size();
        return;
      }
    }
    if (starts_with("(?<")) {  // a named group: (?<name>
      const size_t close = in_.find('>', at_);
      if (close == std::string_view::npos) refuse("an unterminated group name");
      out_ += in_.substr(at_, close + 1 - at_);
      at_ = close + 1;
      return;
    }
    if (starts_with("(?")) refuse("the group or inline option " + std::string(in_.substr(at_, 3)));
    out_ += '(';
    ++at_;
  }

  // '{' at at_: a quantifier {n}, {n,}, {n,m} or {,m}, or else a literal brace.
  void brace() {
    size_t i = at_ + 1;
    auto digits = [&] {
      const size_t start = i;
      while (i < in_.size() && std::isdigit(static_cast<unsigned char>(in_[i]))) ++i;
      return in_.substr(start, i - start);
    };
    const std::string_view low = digits();
    bool comma = false;
    std::string_view high;
    if (i < in_.size() && in_[i] == ',') {
      comma = true;
      ++i;
      high = digits();
    }
    const bool quantifier =
        i < in_.size() && in_[i] == '}' && (!low.empty() || (comma && !high.empty()));
    if (!quantifier) {
      out_ += "\\{";
      ++at_;
      return;
    }
    out_ += '{';
    out_ += low.empty() ? "0" : std::string(low);
    if (comma) out_ += "," + std::string(high);
    out_ += '}';
    at_ = i + 1;
    if (at_ < in_.size() && in_[at_] == '+') {
      refuse("a {..}+ quantifier (possessive in PCRE2, a repeated repeat in Oniguruma)");
    }
  }

  std::string_view in_;
  size_t at_ = 0;
  std::string out_;
};

}  // namespace

std::string oniguruma_to_pcre2(std::string_view pattern) { return Translator(pattern).run(); }

}  // namespace tb
