// Pre-tokenizers as Hugging Face tokenizers implements them:
// - Split (pre_tokenizers/split.rs): the pattern's matches, optionally inverted, cut each piece
//   per SplitDelimiterBehavior (tokenizer/normalizer.rs NormalizedString::split).
// - ByteLevel (pre_tokenizers/byte_level.rs): optional " " prefix, optional split with GPT-2's
//   pattern (Isolated), then every byte spelled in GPT-2's alphabet.
// - Metaspace (pre_tokenizers/metaspace.rs): ' ' -> replacement, prefix per prepend_scheme,
//   optional split before each replacement (MergedWithNext).
// - Sequence (pre_tokenizers/sequence.rs): each step on all pieces, in order.
// Empty pieces are dropped after every step, as PreTokenizedString::split does.
#include "harness/text/hf_pre_tokenizers.h"

#include <algorithm>

#include "harness/text/byte_level_alphabet.h"
#include "harness/text/hf_metaspace_options.h"
#include "harness/text/hf_pattern.h"

namespace tb {
namespace {

using Piece = PreTokenPieces::Piece;

enum class SplitBehavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

struct Part {
  ByteRange range;
  bool is_match;
};

// find_matches (tokenizer/pattern.rs): `matches` and the gaps between them, covering
// [0, size); `invert` swaps which parts count as matches (pattern.rs Invert).
std::vector<Part> parts_of(size_t size, const std::vector<ByteRange>& matches, bool invert) {
  std::vector<Part> parts;
  size_t previous_end = 0;
  for (const ByteRange& m : matches) {
    if (previous_end != m.begin) parts.push_back({{previous_end, m.begin}, invert});
    parts.push_back({m, !invert});
    previous_end = m.end;
  }
  if (previous_end != size || size == 0) parts.push_back({{previous_end, size}, invert});
  return parts;
}

// The kept ranges of NormalizedString::split: each behavior as the fold in normalizer.rs.
std::vector<ByteRange> apply_behavior(const std::vector<Part>& parts, SplitBehavior behavior) {
  std::vector<ByteRange> kept;
  bool previous_match = false;
  switch (behavior) {
    case SplitBehavior::kIsolated:
      for (const Part& p : parts) kept.push_back(p.range);
      break;
    case SplitBehavior::kRemoved:
      for (const Part& p : parts) {
        if (!p.is_match) kept.push_back(p.range);
      }
      break;
    case SplitBehavior::kContiguous:
      for (const Part& p : parts) {
        if (p.is_match == previous_match && !kept.empty()) {
          kept.back().end = p.range.end;
        } else {
          kept.push_back(p.range);
        }
        previous_match = p.is_match;
      }
      break;
    case SplitBehavior::kMergedWithPrevious:
      for (const Part& p : parts) {
        if (p.is_match && !previous_match && !kept.empty()) {
          kept.back().end = p.range.end;
        } else {
          kept.push_back(p.range);
        }
        previous_match = p.is_match;
      }
      break;
    case SplitBehavior::kMergedWithNext:
      for (auto p = parts.rbegin(); p != parts.rend(); ++p) {
        if (p->is_match && !previous_match && !kept.empty()) {
          kept.back().begin = p->range.begin;
        } else {
          kept.push_back(p->range);
        }
        previous_match = p->is_match;
      }
      std::reverse(kept.begin(), kept.end());
      break;
  }
  return kept;
}

// Replaces `piece` (of `text`) by its non-empty sub-ranges `kept` (relative to the piece).
void push_kept(const Piece& piece, const std::vector<ByteRange>& kept, std::vector<Piece>& out) {
  for (const ByteRange& r : kept) {
    if (r.begin == r.end) continue;
    out.push_back(
        {piece.begin + r.begin, piece.begin + r.end, piece.at_input_start && r.begin == 0});
  }
}

class SplitPreTokenizer : public HfPreTokenizer {
 public:
  SplitPreTokenizer(HfPattern pattern, SplitBehavior behavior, bool invert)
      : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}

  void pre_tokenize(PreTokenPieces& io) const override {
    std::vector<Piece> out;
    std::vector<ByteRange> matches;
    for (const Piece& piece : io.pieces) {
      const std::string_view text =
          std::string_view(io.text).substr(piece.begin, piece.end - piece.begin);
      matches.clear();
      pattern_.find_all(text, matches);
      push_kept(piece, apply_behavior(parts_of(text.size(), matches, invert_), behavior_), out);
    }
    io.pieces = std::move(out);
  }

 private:
  HfPattern pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

// GPT-2's pattern, as pre_tokenizers/byte_level.rs compiles it.
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class ByteLevelPreTokenizer : public HfPreTokenizer {
 public:
  ByteLevelPreTokenizer(bool add_prefix_space, bool use_regex)
      : add_prefix_space_(add_prefix_space),
        gpt2_split_(use_regex ? std::make_unique<SplitPreTokenizer>(HfPattern::regex(kGpt2Pattern),
                                                                    SplitBehavior::kIsolated, false)
                              : nullptr) {}

  void pre_tokenize(PreTokenPieces& io) const override {
    if (add_prefix_space_) prefix_spaces(io);
    if (gpt2_split_) gpt2_split_->pre_tokenize(io);
    const ByteLevelAlphabet& alphabet = ByteLevelAlphabet::get();
    std::string spelled;
    spelled.reserve(io.text.size() * 2);
    for (Piece& piece : io.pieces) {
      const size_t begin = spelled.size();
      alphabet.append_spelled(
          std::string_view(io.text).substr(piece.begin, piece.end - piece.begin), spelled);
      piece.begin = begin;
      piece.end = spelled.size();
    }
    io.text = std::move(spelled);
  }

 private:
  // A " " before every piece that does not start with one (byte_level.rs, per split).
  static void prefix_spaces(PreTokenPieces& io) {
    std::string text;
    for (Piece& piece : io.pieces) {
      const size_t begin = text.size();
      if (io.text[piece.begin] != ' ') text += ' ';
      text.append(io.text, piece.begin, piece.end - piece.begin);
      piece.begin = begin;
      piece.end = text.size();
    }
    io.text = std::move(text);
  }

  bool add_prefix_space_;
  std::unique_ptr<SplitPreTokenizer> gpt2_split_;
};

class MetaspacePreTokenizer : public HfPreTokenizer {
 public:
  explicit MetaspacePreTokenizer(MetaspaceOptions options)
      : replacement_(std::move(options.replacement)),
        scheme_(options.prepend_scheme),
        split_(options.split),
        replacement_pattern_(HfPattern::literal(replacement_)) {}

  void pre_tokenize(PreTokenPieces& io) const override {
    std::string text;
    std::vector<Piece> out;
    std::vector<ByteRange> matches;
    for (const Piece& piece : io.pieces) {
      const size_t begin = text.size();
      append_rewritten(piece, io.text, text);
      const Piece rewritten{begin, text.size(), piece.at_input_start};
      if (!split_) {
        out.push_back(rewritten);
        continue;
      }
      const std::string_view view = std::string_view(text).substr(begin);
      matches.clear();
      replacement_pattern_.find_all(view, matches);
      push_kept(
          rewritten,
          apply_behavior(parts_of(view.size(), matches, false), SplitBehavior::kMergedWithNext),
          out);
    }
    io.text = std::move(text);
    io.pieces = std::move(out);
  }

 private:
  // ' ' replaced, then the replacement prepended per the scheme unless already first.
  void append_rewritten(const Piece& piece, const std::string& in, std::string& out) const {
    std::string rewritten;
    for (size_t i = piece.begin; i < piece.end; ++i) {
      if (in[i] == ' ') {
        rewritten += replacement_;
      } else {
        rewritten += in[i];
      }
    }
    const bool starts_with_replacement =
        rewritten.compare(0, replacement_.size(), replacement_) == 0;
    const bool prepend = scheme_ == PrependScheme::kAlways ||
                         (scheme_ == PrependScheme::kFirst && piece.at_input_start);
    if (prepend && !starts_with_replacement) out += replacement_;
    out += rewritten;
  }

  std::string replacement_;
  PrependScheme scheme_;
  bool split_;
  HfPattern replacement_pattern_;
};

class SequencePreTokenizer : public HfPreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<HfPreTokenizer>> steps)
      : steps_(std::move(steps)) {}
  void pre_tokenize(PreTokenPieces& io) const override {
    for (const auto& step : steps_) step->pre_tokenize(io);
  }

 private:
  std::vector<std::unique_ptr<HfPreTokenizer>> steps_;
};

constexpr std::string_view kSupported = "Split, ByteLevel, Metaspace, Sequence";

SplitBehavior behavior_of(const JsonAt& behavior) {
  const std::string name = behavior.as_string();
  if (name == "Removed") return SplitBehavior::kRemoved;
  if (name == "Isolated") return SplitBehavior::kIsolated;
  if (name == "MergedWithPrevious") return SplitBehavior::kMergedWithPrevious;
  if (name == "MergedWithNext") return SplitBehavior::kMergedWithNext;
  if (name == "Contiguous") return SplitBehavior::kContiguous;
  behavior.refuse("Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous");
}

std::unique_ptr<HfPreTokenizer> make_split(const JsonAt& config) {
  config.only_keys({"type", "pattern", "behavior", "invert"});
  return std::make_unique<SplitPreTokenizer>(HfPattern::from_json(config["pattern"]),
                                             behavior_of(config["behavior"]),
                                             config["invert"].as_bool());
}

std::unique_ptr<HfPreTokenizer> make_byte_level(const JsonAt& config) {
  // trim_offsets changes offsets only, which encode() does not return.
  config.only_keys({"type", "add_prefix_space", "trim_offsets", "use_regex"});
  config["trim_offsets"].as_bool();  // required by Hugging Face, checked to be a boolean
  return std::make_unique<ByteLevelPreTokenizer>(config["add_prefix_space"].as_bool(),
                                                 config.bool_or("use_regex", true));
}

}  // namespace

std::unique_ptr<HfPreTokenizer> make_hf_pre_tokenizer(const JsonAt& config) {
  if (config.is_null()) return nullptr;
  const std::string type = config.type();
  if (type == "Split") return make_split(config);
  if (type == "ByteLevel") return make_byte_level(config);
  if (type == "Metaspace") {
    return std::make_unique<MetaspacePreTokenizer>(read_metaspace_options(config));
  }
  if (type == "Sequence") {
    config.only_keys({"type", "pretokenizers"});
    const JsonAt list = config["pretokenizers"];
    std::vector<std::unique_ptr<HfPreTokenizer>> steps;
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i].is_null())
        list[i].fail("a null pre-tokenizer inside a Sequence is not supported");
      steps.push_back(make_hf_pre_tokenizer(list[i]));
    }
    return std::make_unique<SequencePreTokenizer>(std::move(steps));
  }
  config["type"].refuse(kSupported);
}

}  // namespace tb
