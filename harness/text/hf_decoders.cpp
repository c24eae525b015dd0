// Decoders as Hugging Face tokenizers implements them: pre_tokenizers/byte_level.rs (ByteLevel:
// a token with a character outside GPT-2's alphabet is kept as its UTF-8), pre_tokenizers/
// metaspace.rs (Metaspace: the replacement becomes ' ', except in the first token, where it is
// dropped unless prepend_scheme is "never"), normalizers/replace.rs (Replace, per token),
// decoders/byte_fallback.rs (runs of <0xNN> tokens become their bytes), decoders/fuse.rs,
// decoders/strip.rs (up to `start` leading and `stop` trailing `content` characters removed per
// token), decoders/sequence.rs.
#include "harness/text/hf_decoders.h"

#include <algorithm>

#include "harness/text/byte_level_alphabet.h"
#include "harness/text/hf_metaspace_options.h"
#include "harness/text/hf_pattern.h"
#include "harness/text/utf8_text.h"

namespace tb {
namespace {

class ByteLevelDecoder : public HfDecoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    const ByteLevelAlphabet& alphabet = ByteLevelAlphabet::get();
    std::string bytes;
    for (const std::string& token : tokens) {
      if (!alphabet.append_bytes_of(token, bytes)) bytes += token;
    }
    tokens.assign(1, std::move(bytes));
  }
};

class MetaspaceDecoder : public HfDecoder {
 public:
  explicit MetaspaceDecoder(MetaspaceOptions options) : options_(std::move(options)) {}

  void decode_chain(std::vector<std::string>& tokens) const override {
    const std::string& replacement = options_.replacement;
    for (size_t i = 0; i < tokens.size(); ++i) {
      const bool drop = i == 0 && options_.prepend_scheme != PrependScheme::kNever;
      std::string out;
      const std::string& token = tokens[i];
      for (size_t at = 0; at < token.size();) {
        if (token.compare(at, replacement.size(), replacement) == 0) {
          if (!drop) out += ' ';
          at += replacement.size();
        } else {
          out += token[at++];
        }
      }
      tokens[i] = std::move(out);
    }
  }

 private:
  MetaspaceOptions options_;
};

class ReplaceDecoder : public HfDecoder {
 public:
  ReplaceDecoder(HfPattern pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}

  void decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<ByteRange> matches;
    for (std::string& token : tokens) {
      matches.clear();
      pattern_.find_all(token, matches);
      if (matches.empty()) continue;
      std::string out;
      size_t kept_from = 0;
      for (const ByteRange& m : matches) {
        out.append(token, kept_from, m.begin - kept_from);
        out += content_;
        kept_from = m.end;
      }
      out.append(token, kept_from);
      token = std::move(out);
    }
  }

 private:
  HfPattern pattern_;
  std::string content_;
};

// The byte of a "<0xNN>" token (byte_fallback.rs: six bytes, then u8::from_str_radix, which
// also takes a '+' sign before one digit).
std::optional<uint8_t> fallback_byte(const std::string& token) {
  if (token.size() != 6 || token.compare(0, 3, "<0x") != 0 || token[5] != '>') return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  const int low = digit(token[4]);
  if (low < 0) return std::nullopt;
  if (token[3] == '+') return uint8_t(low);
  const int high = digit(token[3]);
  if (high < 0) return std::nullopt;
  return uint8_t(high * 16 + low);
}

class ByteFallbackDecoder : public HfDecoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    std::string bytes;  // the current run of byte tokens
    for (std::string& token : tokens) {
      if (const auto byte = fallback_byte(token)) {
        bytes += static_cast<char>(*byte);
        continue;
      }
      if (!bytes.empty()) out.push_back(std::move(bytes));
      bytes.clear();
      out.push_back(std::move(token));
    }
    if (!bytes.empty()) out.push_back(std::move(bytes));
    tokens = std::move(out);
  }
};

class FuseDecoder : public HfDecoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string joined;
    for (const std::string& token : tokens) joined += token;
    tokens.assign(1, std::move(joined));
  }
};

class StripDecoder : public HfDecoder {
 public:
  StripDecoder(std::string content, size_t start, size_t stop)
      : content_(std::move(content)), start_(start), stop_(stop) {}

  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::string& token : tokens) {
      size_t begin = 0;
      for (size_t i = 0; i < start_ && token.compare(begin, content_.size(), content_) == 0; ++i) {
        begin += content_.size();
      }
      size_t end = token.size();
      for (size_t i = 0; i < stop_ && end >= begin + content_.size() &&
                         token.compare(end - content_.size(), content_.size(), content_) == 0;
           ++i) {
        end -= content_.size();
      }
      token = token.substr(begin, end - begin);
    }
  }

 private:
  std::string content_;
  size_t start_;
  size_t stop_;
};

class SequenceDecoder : public HfDecoder {
 public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<HfDecoder>> steps)
      : steps_(std::move(steps)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (const auto& step : steps_) step->decode_chain(tokens);
  }

 private:
  std::vector<std::unique_ptr<HfDecoder>> steps_;
};

constexpr std::string_view kSupported =
    "ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip, Sequence";

size_t count_at(const JsonAt& at) {
  const int64_t value = at.as_int();
  if (value < 0) at.fail("expected a count of 0 or more");
  return size_t(value);
}

std::unique_ptr<HfDecoder> make_strip(const JsonAt& config) {
  config.only_keys({"type", "content", "start", "stop"});
  const JsonAt content = config["content"];
  if (!utf8::is_single_char(content.as_string())) content.fail("expected one character");
  return std::make_unique<StripDecoder>(content.as_string(), count_at(config["start"]),
                                        count_at(config["stop"]));
}

std::unique_ptr<HfDecoder> make_sequence(const JsonAt& config) {
  config.only_keys({"type", "decoders"});
  const JsonAt list = config["decoders"];
  std::vector<std::unique_ptr<HfDecoder>> steps;
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].is_null()) list[i].fail("a null decoder inside a Sequence is not supported");
    steps.push_back(make_hf_decoder(list[i]));
  }
  return std::make_unique<SequenceDecoder>(std::move(steps));
}

}  // namespace

std::unique_ptr<HfDecoder> make_hf_decoder(const JsonAt& config) {
  if (config.is_null()) return nullptr;
  const std::string type = config.type();
  if (type == "ByteLevel") {
    // Its options change offsets only.
    config.only_keys({"type", "add_prefix_space", "trim_offsets", "use_regex"});
    return std::make_unique<ByteLevelDecoder>();
  }
  if (type == "Metaspace")
    return std::make_unique<MetaspaceDecoder>(read_metaspace_options(config));
  if (type == "Replace") {
    config.only_keys({"type", "pattern", "content"});
    return std::make_unique<ReplaceDecoder>(HfPattern::from_json(config["pattern"]),
                                            config["content"].as_string());
  }
  if (type == "ByteFallback") {
    config.only_keys({"type"});
    return std::make_unique<ByteFallbackDecoder>();
  }
  if (type == "Fuse") {
    config.only_keys({"type"});
    return std::make_unique<FuseDecoder>();
  }
  if (type == "Strip") return make_strip(config);
  if (type == "Sequence") return make_sequence(config);
  config["type"].refuse(kSupported);
}

std::string decode_tokens(const HfDecoder* decoder, std::vector<std::string> tokens) {
  std::string text;
  if (!decoder) {
    for (size_t i = 0; i < tokens.size(); ++i) text += (i ? " " : "") + tokens[i];
    return text;
  }
  decoder->decode_chain(tokens);
  for (const std::string& piece : tokens) text += piece;
  return text;
}

}  // namespace tb
