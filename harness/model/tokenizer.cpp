#include "harness/model/tokenizer.h"

namespace tb {

std::vector<int64_t> encode_bytes(std::string_view text) {
  std::vector<int64_t> out;
  out.reserve(text.size());
  for (unsigned char c : text) out.push_back(c);
  return out;
}

std::string decode_bytes(const std::vector<int64_t>& tokens) {
  std::string out;
  for (int64_t t : tokens) {
    if (t >= 0 && t < 256) out.push_back(static_cast<char>(t));
  }
  return out;
}

}  // namespace tb
