#include "harness/text/byte_tokenizer.h"

namespace tb {

namespace {
const char* const kSpecialNames[] = {"<bos>", "<eos>", "<pad>"};
}

ByteTokenizer::ByteTokenizer() {
  special_.bos = kBosToken;
  special_.eos = kEosToken;
  special_.pad = kPadToken;
  special_.stop = {kEosToken};
}

std::vector<int64_t> ByteTokenizer::encode(std::string_view text) const {
  std::vector<int64_t> out;
  out.reserve(text.size());
  for (unsigned char c : text) out.push_back(c);
  return out;
}

// Special tokens have no bytes: with skip_special false they are written by name.
std::string ByteTokenizer::decode(const std::vector<int64_t>& ids, bool skip_special) const {
  std::string out;
  for (int64_t t : ids) {
    if (t >= 0 && t < 256) {
      out.push_back(static_cast<char>(t));
    } else if (!skip_special && is_special(t)) {
      out += kSpecialNames[t - 256];
    }
  }
  return out;
}

std::string ByteTokenizer::id_to_token(int64_t id) const {
  if (id >= 0 && id < 256) return std::string(1, static_cast<char>(id));
  return is_special(id) ? kSpecialNames[id - 256] : "";
}

std::optional<int64_t> ByteTokenizer::token_to_id(std::string_view token) const {
  if (token.size() == 1) return static_cast<unsigned char>(token[0]);
  for (int64_t i = 0; i < 3; ++i) {
    if (token == kSpecialNames[i]) return 256 + i;
  }
  return std::nullopt;
}

const ByteTokenizer& byte_tokenizer() {
  static const ByteTokenizer instance;
  return instance;
}

}  // namespace tb
