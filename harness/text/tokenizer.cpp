#include "harness/text/tokenizer.h"

#include <algorithm>

namespace tb {

std::vector<int64_t> Tokenizer::encode_with_bos(std::string_view text) const {
  std::vector<int64_t> ids;
  if (special().bos) ids.push_back(*special().bos);
  const std::vector<int64_t> body = encode(text);
  ids.insert(ids.end(), body.begin(), body.end());
  return ids;
}

std::vector<int64_t> Tokenizer::encode_document(std::string_view text) const {
  std::vector<int64_t> ids = encode_with_bos(text);
  ids.push_back(special().eos);
  return ids;
}

Tokenizer::PromptTarget Tokenizer::encode_prompt_target(const std::string& prompt, const std::string& target,
                                                       bool add_bos, bool add_eos) const {
  PromptTarget out;
  out.prompt = add_bos ? encode_with_bos(prompt) : encode(prompt);
  std::vector<int64_t> whole = add_bos ? encode_with_bos(prompt + target) : encode(prompt + target);
  if (whole.size() >= out.prompt.size() && std::equal(out.prompt.begin(), out.prompt.end(), whole.begin())) {
    out.target.assign(whole.begin() + long(out.prompt.size()), whole.end());
  } else {
    out.target = encode(target);
  }
  if (add_eos) out.target.push_back(special().eos);
  return out;
}

}  // namespace tb
