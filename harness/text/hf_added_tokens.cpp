// Added tokens as Hugging Face tokenizers handles them (tokenizer/added_vocabulary.rs):
// - ids: add_tokens gives each new content the vocabulary's id of that content, else the next
//   id after the model's vocabulary (serialization.rs only warns when the file says otherwise;
//   we refuse such a file instead of renumbering it);
// - matching: a double-array Aho-Corasick automaton with LeftmostLongest, then find_matches:
//   single_word drops a match touching a word character (\w: Alphabetic, M, Nd, Pc,
//   Join_Control), lstrip / rstrip widen it over White_Space on that side.
// Choice: a byte trie walked from each position whose first byte starts some token gives the
// same leftmost-longest matches.
#include "harness/text/hf_added_tokens.h"

#include <array>
#include <unordered_map>

#include "harness/text/hf_bpe_model.h"
#include "harness/text/hf_normalizers.h"
#include "harness/text/pcre2_regex.h"
#include "harness/text/utf8_text.h"

namespace tb {
namespace {

// \w of Rust's regex crate (Unicode), which ends_with_word / starts_with_word use.
const Pcre2Regex& word_char() {
  static const Pcre2Regex regex(R"([\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}])");
  return regex;
}

bool is_word_char(std::string_view text, size_t at, size_t size) {
  Pcre2Regex::Match m;
  return word_char().find(text.substr(at, size), 0, m);
}

bool ends_with_word(std::string_view text) {
  if (text.empty()) return false;
  const utf8::Char c = utf8::read_char_before(text, text.size());
  return is_word_char(text, text.size() - c.size, c.size);
}

bool starts_with_word(std::string_view text) {
  return !text.empty() && is_word_char(text, 0, utf8::read_char(text, 0).size);
}

size_t white_space_before(std::string_view text, size_t end) {
  size_t begin = end;
  while (begin > 0) {
    const utf8::Char c = utf8::read_char_before(text, begin);
    if (!utf8::is_white_space(c.code_point)) break;
    begin -= c.size;
  }
  return end - begin;
}

size_t white_space_after(std::string_view text, size_t begin) {
  size_t end = begin;
  while (end < text.size()) {
    const utf8::Char c = utf8::read_char(text, end);
    if (!utf8::is_white_space(c.code_point)) break;
    end += c.size;
  }
  return end - begin;
}

}  // namespace

// Byte trie of token contents; each node knows the token ending there (index into tokens_).
class AddedTokens::Trie {
 public:
  Trie() : nodes_(1) {}

  void add(std::string_view content, int32_t token) {
    int32_t node = 0;
    for (const char c : content) {
      const uint64_t edge = edge_key(node, c);
      auto it = edges_.find(edge);
      if (it == edges_.end()) {
        it = edges_.emplace(edge, int32_t(nodes_.size())).first;
        nodes_.push_back(-1);
      }
      node = it->second;
    }
    nodes_[size_t(node)] = token;
    starts_[static_cast<unsigned char>(content[0])] = true;
  }

  bool empty() const { return nodes_.size() == 1; }
  bool may_start(char c) const { return starts_[static_cast<unsigned char>(c)]; }

  // The longest token starting at `at`: its index and end; false when none.
  bool longest_at(std::string_view text, size_t at, int32_t& token, size_t& end) const {
    int32_t node = 0;
    bool found = false;
    for (size_t i = at; i < text.size(); ++i) {
      const auto it = edges_.find(edge_key(node, text[i]));
      if (it == edges_.end()) break;
      node = it->second;
      if (nodes_[size_t(node)] >= 0) {
        token = nodes_[size_t(node)];
        end = i + 1;
        found = true;
      }
    }
    return found;
  }

 private:
  static uint64_t edge_key(int32_t node, char c) {
    return (uint64_t(node) << 8) | static_cast<unsigned char>(c);
  }
  std::vector<int32_t> nodes_;  // token index ending at each node, or -1
  std::unordered_map<uint64_t, int32_t> edges_;
  std::array<bool, 256> starts_{};
};

AddedTokens::AddedTokens(const JsonAt& list, const BpeModel& model, const HfNormalizer* normalizer)
    : raw_(std::make_unique<Trie>()), normalized_(std::make_unique<Trie>()) {
  int64_t next_id = model.token_count();  // Hugging Face: the model's get_vocab_size()
  for (size_t i = 0; i < list.size(); ++i) {
    const JsonAt at = list[i];
    at.only_keys({"id", "content", "single_word", "lstrip", "rstrip", "normalized", "special"});
    HfAddedToken t;
    t.id = at["id"].as_int();
    t.content = at["content"].as_string();
    t.special = at.bool_or("special", false);
    t.single_word = at.bool_or("single_word", false);
    t.lstrip = at.bool_or("lstrip", false);
    t.rstrip = at.bool_or("rstrip", false);
    t.normalized = at.bool_or("normalized", !t.special);
    if (t.content.empty()) continue;  // Hugging Face ignores an empty token
    if (by_content(t.content)) at["content"].fail("this token is given twice; give it once");
    const std::optional<int64_t> vocab_id = model.token_to_id(t.content);
    const int64_t expected = vocab_id ? *vocab_id : next_id++;
    if (t.id != expected) {
      at["id"].fail(std::to_string(t.id) +
                    " differs from the id Hugging Face tokenizers gives "
                    "this token (" +
                    std::to_string(expected) +
                    ": the vocabulary's id of the "
                    "content, else the next id after the vocabulary); fix the file");
    }
    t.decoded = t.content;
    if (t.normalized && normalizer) normalizer->normalize(t.decoded);
    (t.normalized ? *normalized_ : *raw_)
        .add(t.normalized ? t.decoded : t.content, int32_t(tokens_.size()));
    index_of_id_[t.id] = tokens_.size();
    index_of_content_[t.content] = tokens_.size();
    tokens_.push_back(std::move(t));
  }
}

AddedTokens::~AddedTokens() = default;
AddedTokens::AddedTokens(AddedTokens&&) noexcept = default;

const HfAddedToken* AddedTokens::by_id(int64_t id) const {
  const auto it = index_of_id_.find(id);
  return it == index_of_id_.end() ? nullptr : &tokens_[it->second];
}

const HfAddedToken* AddedTokens::by_content(std::string_view content) const {
  const auto it = index_of_content_.find(std::string(content));
  return it == index_of_content_.end() ? nullptr : &tokens_[it->second];
}

void AddedTokens::split(std::string_view text, bool normalized,
                        std::vector<AddedTokenSplit>& out) const {
  const Trie& trie = normalized ? *normalized_ : *raw_;
  if (trie.empty()) {
    if (!text.empty()) out.push_back({0, text.size(), -1});
    return;
  }
  find_matches(text, trie, out);
}

void AddedTokens::find_matches(std::string_view text, const Trie& trie,
                               std::vector<AddedTokenSplit>& out) const {
  size_t start_offset = 0;  // end of the last token taken
  for (size_t at = 0; at < text.size();) {
    int32_t index = -1;
    size_t stop = 0;
    if (!trie.may_start(text[at]) || !trie.longest_at(text, at, index, stop)) {
      ++at;
      continue;
    }
    const HfAddedToken& t = tokens_[size_t(index)];
    size_t start = at;
    at = stop;  // the automaton goes on after this match even when it is dropped
    if (t.single_word && ((start > 0 && ends_with_word(text.substr(0, start))) ||
                          (stop < text.size() && starts_with_word(text.substr(stop))))) {
      continue;
    }
    if (t.lstrip) start = std::max(start - white_space_before(text, start), start_offset);
    if (t.rstrip) stop += white_space_after(text, stop);
    if (start_offset < start) out.push_back({start_offset, start, -1});
    out.push_back({start, stop, t.id});
    start_offset = stop;
  }
  if (start_offset < text.size()) out.push_back({start_offset, text.size(), -1});
}

}  // namespace tb
