#include "harness/common/check.h"

#include <cstdio>
#include <cstdlib>

namespace tb {

void check_failed(const char* expr, const char* file, int line, const std::string& msg) {
  std::fprintf(stderr, "tunebench: internal check failed at %s:%d: %s (%s)\n", file, line,
               msg.c_str(), expr);
  std::abort();
}

}  // namespace tb
