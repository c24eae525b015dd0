// Internal invariants and user-facing errors.
#pragma once
#include <stdexcept>
#include <string>

namespace tb {

// A mistake in what the user gave us (spec, flags, files). The CLI prints the
// message as is and exits with kUserErrorExitCode; nothing must have been written.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
inline constexpr int kUserErrorExitCode = 2;

[[noreturn]] void check_failed(const char* expr, const char* file, int line, const std::string& msg);

}  // namespace tb

// Broken invariant inside tunebench: aborts with file and line. Never for user input.
#define TB_CHECK(cond, msg)                                                 \
  do {                                                                      \
    if (!(cond)) ::tb::check_failed(#cond, __FILE__, __LINE__, (msg));      \
  } while (0)
