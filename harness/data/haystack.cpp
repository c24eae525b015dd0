#include "harness/data/haystack.h"

#include <cmath>

namespace tb {
namespace {
constexpr std::string_view kNoise =
    "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again. ";
}

std::string noise_haystack(int64_t bytes) {
  std::string out;
  out.reserve(size_t(bytes));
  while (int64_t(out.size()) < bytes) out.append(kNoise);
  out.resize(size_t(bytes));
  return out;
}

size_t sentence_start_at_or_before(std::string_view haystack, size_t offset) {
  for (size_t i = std::min(offset, haystack.size()); i > 0; --i) {
    if (i >= 2 && haystack[i - 1] == ' ' && haystack[i - 2] == '.') return i;
  }
  return 0;
}

size_t depth_offset(std::string_view haystack, double depth) {
  const auto target = size_t(std::llround(depth * double(haystack.size())));
  if (target >= haystack.size()) return haystack.size();
  return sentence_start_at_or_before(haystack, target);
}

}  // namespace tb
