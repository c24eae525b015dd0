// A compiled PCRE2 regular expression (UTF-8, Unicode properties, JIT) and a search that any
// number of threads may run at once. Matching data and the JIT stack live per thread and are
// reused, so a search allocates nothing after a thread's first one.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tb {

class Pcre2Regex {
 public:
  // `pattern` in PCRE2 syntax (see oniguruma_to_pcre2.h for tokenizer.json patterns). Compiled
  // with PCRE2_UTF, PCRE2_UCP and PCRE2_MATCH_INVALID_UTF: subjects may hold any bytes, and a
  // byte outside well-formed UTF-8 matches nothing. Throws std::invalid_argument with PCRE2's
  // message and offset when the pattern does not compile.
  explicit Pcre2Regex(const std::string& pattern);
  ~Pcre2Regex();
  Pcre2Regex(const Pcre2Regex&) = delete;
  Pcre2Regex& operator=(const Pcre2Regex&) = delete;

  struct Match {
    size_t begin;
    size_t end;
  };
  // The leftmost match starting at or after byte `from` of `subject`; false when none.
  // Lookbehind sees the bytes before `from`. Throws std::runtime_error if PCRE2 fails (e.g.
  // its JIT stack limit), never returning a partial answer.
  bool find(std::string_view subject, size_t from, Match& match) const;

  // Whether a match may be empty (PCRE2's minimum match length is 0).
  bool may_match_empty() const;

 private:
  void* code_;  // pcre2_code_8*, kept out of the header with pcre2.h's macros
  bool jit_;
};

}  // namespace tb
