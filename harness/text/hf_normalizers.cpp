// Normalizers as Hugging Face tokenizers implements them: normalizers/unicode.rs (NFC, NFD,
// NFKC, NFKD; we use utf8proc), normalizers/prepend.rs (only a non-empty text is prefixed),
// normalizers/replace.rs (every match replaced), normalizers/strip.rs (Unicode White_Space),
// normalizers/utils.rs (Sequence, applied in order).
// Choice: bytes outside well-formed UTF-8 (which Rust strings cannot hold) are kept as they
// are, and the well-formed runs between them are normalized on their own.
#include "harness/text/hf_normalizers.h"

#include <utf8proc.h>

#include <cstdlib>
#include <vector>

#include "harness/text/hf_pattern.h"
#include "harness/text/utf8_text.h"

namespace tb {
namespace {

class SequenceNormalizer : public HfNormalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<HfNormalizer>> steps)
      : steps_(std::move(steps)) {}
  void normalize(std::string& text) const override {
    for (const auto& step : steps_) step->normalize(text);
  }

 private:
  std::vector<std::unique_ptr<HfNormalizer>> steps_;
};

class UnicodeNormalizer : public HfNormalizer {
 public:
  explicit UnicodeNormalizer(utf8proc_option_t options) : options_(options) {}

  void normalize(std::string& text) const override {
    if (is_ascii(text)) return;  // every normalization form leaves ASCII as it is
    std::string out;
    out.reserve(text.size());
    size_t run_begin = 0;
    for (size_t at = 0; at < text.size();) {
      const utf8::Char c = utf8::read_char(text, at);
      if (c.code_point == utf8::kInvalidCodePoint) {
        append_normalized(std::string_view(text).substr(run_begin, at - run_begin), out);
        out += text[at];
        run_begin = at + 1;
      }
      at += c.size;
    }
    append_normalized(std::string_view(text).substr(run_begin), out);
    text = std::move(out);
  }

 private:
  static bool is_ascii(const std::string& text) {
    for (const char c : text) {
      if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
  }

  // `run` is well-formed UTF-8, so utf8proc cannot fail on it.
  void append_normalized(std::string_view run, std::string& out) const {
    if (run.empty()) return;
    utf8proc_uint8_t* result = nullptr;
    const utf8proc_ssize_t size =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(run.data()),
                     utf8proc_ssize_t(run.size()), &result, options_);
    if (size < 0) throw std::runtime_error(std::string("utf8proc: ") + utf8proc_errmsg(size));
    out.append(reinterpret_cast<const char*>(result), size_t(size));
    std::free(result);
  }

  utf8proc_option_t options_;
};

class PrependNormalizer : public HfNormalizer {
 public:
  explicit PrependNormalizer(std::string prefix) : prefix_(std::move(prefix)) {}
  void normalize(std::string& text) const override {
    if (!text.empty()) text.insert(0, prefix_);
  }

 private:
  std::string prefix_;
};

class ReplaceNormalizer : public HfNormalizer {
 public:
  ReplaceNormalizer(HfPattern pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}

  void normalize(std::string& text) const override {
    std::vector<ByteRange> matches;
    pattern_.find_all(text, matches);
    if (matches.empty()) return;
    std::string out;
    size_t kept_from = 0;
    for (const ByteRange& m : matches) {
      out.append(text, kept_from, m.begin - kept_from);
      out += content_;
      kept_from = m.end;
    }
    out.append(text, kept_from);
    text = std::move(out);
  }

 private:
  HfPattern pattern_;
  std::string content_;
};

class StripNormalizer : public HfNormalizer {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}

  void normalize(std::string& text) const override {
    size_t begin = 0;
    size_t end = text.size();
    while (left_ && begin < end) {
      const utf8::Char c = utf8::read_char(text, begin);
      if (!utf8::is_white_space(c.code_point)) break;
      begin += c.size;
    }
    while (right_ && end > begin) {
      const utf8::Char c = utf8::read_char_before(text, end);
      if (!utf8::is_white_space(c.code_point)) break;
      end -= c.size;
    }
    text = text.substr(begin, end - begin);
  }

 private:
  bool left_;
  bool right_;
};

constexpr std::string_view kSupported = "Sequence, NFC, NFD, NFKC, NFKD, Prepend, Replace, Strip";

std::unique_ptr<HfNormalizer> make_sequence(const JsonAt& config) {
  config.only_keys({"type", "normalizers"});
  const JsonAt list = config["normalizers"];
  std::vector<std::unique_ptr<HfNormalizer>> steps;
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].is_null()) list[i].fail("a null normalizer inside a Sequence is not supported");
    steps.push_back(make_hf_normalizer(list[i]));
  }
  return std::make_unique<SequenceNormalizer>(std::move(steps));
}

std::unique_ptr<HfNormalizer> make_unicode(const JsonAt& config, const std::string& form) {
  config.only_keys({"type"});
  int options = UTF8PROC_STABLE;
  options |= (form == "NFC" || form == "NFKC") ? UTF8PROC_COMPOSE : UTF8PROC_DECOMPOSE;
  if (form == "NFKC" || form == "NFKD") options |= UTF8PROC_COMPAT;
  return std::make_unique<UnicodeNormalizer>(utf8proc_option_t(options));
}

}  // namespace

std::unique_ptr<HfNormalizer> make_hf_normalizer(const JsonAt& config) {
  if (config.is_null()) return nullptr;
  const std::string type = config.type();
  if (type == "Sequence") return make_sequence(config);
  if (type == "NFC" || type == "NFD" || type == "NFKC" || type == "NFKD") {
    return make_unicode(config, type);
  }
  if (type == "Prepend") {
    config.only_keys({"type", "prepend"});
    return std::make_unique<PrependNormalizer>(config["prepend"].as_string());
  }
  if (type == "Replace") {
    config.only_keys({"type", "pattern", "content"});
    return std::make_unique<ReplaceNormalizer>(HfPattern::from_json(config["pattern"]),
                                               config["content"].as_string());
  }
  if (type == "Strip") {
    config.only_keys({"type", "strip_left", "strip_right"});
    return std::make_unique<StripNormalizer>(config["strip_left"].as_bool(),
                                             config["strip_right"].as_bool());
  }
  config["type"].refuse(kSupported);
}

}  // namespace tb
