// tokenizer.json patterns (Hugging Face tokenizers pre_tokenizers/split.rs SplitPattern): a
// String is matched literally (split.rs escapes it with regex::escape), a Regex is Oniguruma's.
#include "harness/text/hf_pattern.h"

#include "harness/text/oniguruma_to_pcre2.h"

namespace tb {

HfPattern HfPattern::from_json(const JsonAt& pattern) {
  pattern.require_object();
  if (pattern.json().size() != 1) pattern.fail("expected one member, \"String\" or \"Regex\"");
  if (const auto text = pattern.optional("String")) {
    const std::string literal_text = text->as_string();
    if (literal_text.empty()) text->fail("an empty pattern is not supported");
    return literal(literal_text);
  }
  if (const auto source = pattern.optional("Regex")) {
    try {
      return regex(source->as_string());
    } catch (const std::invalid_argument& e) {
      source->fail(source->json().dump() + " is not supported: " + e.what());
    }
  }
  pattern.fail("expected a \"String\" or \"Regex\" member");
}

HfPattern HfPattern::literal(std::string text) {
  HfPattern p;
  p.literal_ = std::move(text);
  return p;
}

HfPattern HfPattern::regex(const std::string& oniguruma_pattern) {
  HfPattern p;
  p.regex_ = std::make_shared<const Pcre2Regex>(oniguruma_to_pcre2(oniguruma_pattern));
  if (p.regex_->may_match_empty()) {
    throw std::invalid_argument(
        "it can match the empty string, whose handling in Hugging Face tokenizers we do not "
        "reproduce");
  }
  return p;
}

void HfPattern::find_all(std::string_view text, std::vector<ByteRange>& matches) const {
  if (!regex_) {
    for (size_t at = text.find(literal_); at != std::string_view::npos;
         at = text.find(literal_, at + literal_.size())) {
      matches.push_back({at, at + literal_.size()});
    }
    return;
  }
  Pcre2Regex::Match m;
  for (size_t from = 0; from < text.size() && regex_->find(text, from, m); from = m.end) {
    matches.push_back({m.begin, m.end});
  }
}

}  // namespace tb
