// BPE as Hugging Face tokenizers runs it: models/bpe/model.rs (BpeBuilder::build for the merge
// map, BPE::merge_word for the initial symbols, tokenize_with_cache for ignore_merges and the
// cache) and models/bpe/word.rs (Word::merge_all: a min-heap of (rank, position), stale
// entries skipped when the pair now maps to another new id).
// Choices: merges live in an open-addressing table keyed by the id pair; pre-tokens shorter
// than 256 bytes are cached (Hugging Face's MAX_LENGTH) in 16 locked shards of at most 4096
// entries each, and a full shard takes no more, as in Hugging Face's cache; a pre-token of 64
// bytes or more (a whole text, for SentencePiece-style files without a pre-tokenizer) is cut
// where no merge can cross (free_cuts), which gives the same ids in linear rather than
// n log n time and lets the cache serve its words.
#include "harness/text/hf_bpe_model.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "harness/text/utf8_text.h"

namespace tb {
namespace {

constexpr size_t kMaxCachedPieceBytes = 256;
constexpr size_t kMinBytesToCut = 64;
constexpr size_t kCacheShards = 16;
constexpr size_t kCacheEntriesPerShard = 4096;

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using TokenIds = std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>>;

// Merge rank and result of each (left id, right id), open addressing with linear probing.
class MergeTable {
 public:
  struct Entry {
    uint64_t key = kEmpty;
    uint32_t rank = 0;
    int32_t new_id = 0;
  };

  void reserve(size_t merges) {
    size_t capacity = 16;
    while (capacity < merges * 2) capacity *= 2;
    slots_.assign(capacity, Entry{});
    mask_ = capacity - 1;
  }

  // A pair given twice keeps its last rank, as Hugging Face's HashMap collect does.
  void insert_or_assign(int32_t left, int32_t right, uint32_t rank, int32_t new_id) {
    Entry& slot = slot_of(key_of(left, right));
    slot = {key_of(left, right), rank, new_id};
  }

  const Entry* find(int32_t left, int32_t right) const {
    const uint64_t key = key_of(left, right);
    for (size_t i = hash(key) & mask_;; i = (i + 1) & mask_) {
      const Entry& slot = slots_[i];
      if (slot.key == key) return &slot;
      if (slot.key == kEmpty) return nullptr;
    }
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t(0);  // ids are below 2^31: no pair has this key
  static uint64_t key_of(int32_t left, int32_t right) {
    return (uint64_t(uint32_t(left)) << 32) | uint32_t(right);
  }
  static size_t hash(uint64_t key) { return size_t((key * 0x9E3779B97F4A7C15ull) >> 20); }

  Entry& slot_of(uint64_t key) {
    for (size_t i = hash(key) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == key || slots_[i].key == kEmpty) return slots_[i];
    }
  }

  std::vector<Entry> slots_;
  size_t mask_ = 0;
};

// Merge::cmp in word.rs: the heap's top is the lowest rank, then the leftmost position.
struct QueuedMerge {
  uint32_t rank;
  uint32_t pos;
  int32_t new_id;
};
struct ComesLater {  // a type, not a function pointer, so that the heap code inlines it
  bool operator()(const QueuedMerge& a, const QueuedMerge& b) const {
    return a.rank != b.rank ? a.rank > b.rank : a.pos > b.pos;
  }
};

std::string byte_token(int byte) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("<0x") + kHex[byte >> 4] + kHex[byte & 15] + ">";
}

}  // namespace

struct BpeModel::Tables {
  TokenIds ids;
  MergeTable merges;
  std::vector<int32_t> bmp_char_ids;  // id of each one-character token below U+10000, or -1
  // Sorted (u << 32 | c) for every two characters u, c adjacent inside some token (free_cuts).
  std::vector<uint64_t> adjacent_in_tokens;
  std::once_flag adjacent_once;
};

struct BpeModel::Symbol {
  int32_t id;
  int32_t prev;
  int32_t next;
  uint32_t len;  // 0 once merged into the symbol on its left
};

class BpeModel::Cache {
 public:
  bool append(std::string_view piece, std::vector<int64_t>& ids) const {
    Shard& shard = shard_of(piece);
    std::lock_guard lock(shard.mutex);
    const auto it = shard.entries.find(piece);
    if (it == shard.entries.end()) return false;
    ids.insert(ids.end(), it->second.begin(), it->second.end());
    return true;
  }

  void put(std::string_view piece, const int64_t* ids, size_t count) const {
    Shard& shard = shard_of(piece);
    std::lock_guard lock(shard.mutex);
    if (shard.entries.size() >= kCacheEntriesPerShard) return;
    shard.entries.emplace(std::string(piece), std::vector<int32_t>(ids, ids + count));
  }

 private:
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<int32_t>, StringHash, std::equal_to<>> entries;
  };
  Shard& shard_of(std::string_view piece) const {
    return shards_[StringHash{}(piece) % kCacheShards];
  }
  mutable std::array<Shard, kCacheShards> shards_;
};

BpeModel::BpeModel() : tables_(std::make_unique<Tables>()), cache_(std::make_unique<Cache>()) {}
BpeModel::~BpeModel() = default;

std::unique_ptr<BpeModel> BpeModel::from_json(const JsonAt& model) {
  if (model.is_null()) model.fail("a tokenizer without a model is not supported");
  const std::optional<JsonAt> type = model.optional("type");
  if (!type) model.fail("the member \"type\" is missing (supported: BPE)");
  if (type->as_string() != "BPE") type->refuse("BPE");
  model.only_keys({"type", "dropout", "unk_token", "continuing_subword_prefix",
                   "end_of_word_suffix", "fuse_unk", "byte_fallback", "ignore_merges", "vocab",
                   "merges"});
  std::unique_ptr<BpeModel> bpe(new BpeModel());
  bpe->read_vocab(model["vocab"]);
  bpe->read_options(model);
  bpe->read_merges(model["merges"]);
  bpe->cuts_allowed_ = bpe->prefix_.empty() && bpe->suffix_.empty() && !bpe->ignore_merges_;
  return bpe;
}

void BpeModel::read_options(const JsonAt& model) {
  if (const auto dropout = model.optional("dropout")) {
    if (!dropout->json().is_number() || dropout->json().get<double>() != 0.0) {
      dropout->fail(dropout->json().dump() +
                    " is not supported: BPE dropout makes encoding random (supported: null, 0)");
    }
  }
  if (const auto prefix = model.optional("continuing_subword_prefix"))
    prefix_ = prefix->as_string();
  if (const auto suffix = model.optional("end_of_word_suffix")) suffix_ = suffix->as_string();
  fuse_unk_ = model.bool_or("fuse_unk", false);
  byte_fallback_ = model.bool_or("byte_fallback", false);
  ignore_merges_ = model.bool_or("ignore_merges", false);
  if (const auto unk = model.optional("unk_token")) {
    unk_id_ = find(unk->as_string());
    if (!unk_id_) {
      unk->fail(unk->json().dump() +
                " is not in /model/vocab (Hugging Face would fail on the "
                "first unknown character)");
    }
  }
  for (int byte = 0; byte < 256; ++byte) byte_ids_[byte] = find(byte_token(byte)).value_or(-1);
}

void BpeModel::read_vocab(const JsonAt& vocab) {
  vocab.require_object();
  tables_->ids.reserve(vocab.json().size());
  tables_->bmp_char_ids.assign(0x10000, -1);
  for (const auto& [token, id_json] : vocab.json().items()) {
    // A JsonAt (and its path) only for a value that is wrong: this loop runs 150k times.
    if (!id_json.is_number_integer() || id_json.get<int64_t>() < 0 ||
        id_json.get<int64_t>() >= INT32_MAX) {
      vocab[token].fail("expected an id from 0 to 2^31 - 2, found " + id_json.dump());
    }
    const auto id = size_t(id_json.get<int64_t>());
    if (id >= tokens_.size()) {
      tokens_.resize(id + 1);
      has_token_.resize(id + 1);
    }
    if (has_token_[id]) {
      vocab[token].fail("the id " + std::to_string(id) + " is also the id of \"" + tokens_[id] +
                        "\"; give each token its own id");
    }
    tokens_[id] = token;
    has_token_[id] = true;
    tables_->ids.emplace(token, int32_t(id));
    if (utf8::is_single_char(token)) {
      const char32_t cp = utf8::read_char(token, 0).code_point;
      if (cp < 0x10000) tables_->bmp_char_ids[cp] = int32_t(id);
    }
  }
}

// One merge as (left, right): ["a", "b"] or "a b" (model.rs convert_merges_to_hashmap: exactly
// one space). False for a "#version" header line, which is not a merge.
bool BpeModel::merge_parts(const JsonAt& merges, size_t i, bool pairs, std::string& left,
                           std::string& right) const {
  const nlohmann::json& merge = merges.json()[i];
  if (pairs) {
    if (!merge.is_array() || merge.size() != 2 || !merge[0].is_string() || !merge[1].is_string()) {
      merges[i].fail("expected a pair [\"left\", \"right\"] like the first merge");
    }
    left = merge[0].get<std::string>();
    right = merge[1].get<std::string>();
    return true;
  }
  if (!merge.is_string()) merges[i].fail("expected \"left right\" like the first merge");
  const std::string& line = merge.get_ref<const std::string&>();
  if (line.rfind("#version", 0) == 0) return false;
  const size_t space = line.find(' ');
  if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) {
    merges[i].fail("expected \"left right\" (two tokens and one space)");
  }
  left = line.substr(0, space);
  right = line.substr(space + 1);
  return true;
}

void BpeModel::read_merges(const JsonAt& merges) {
  const size_t count = merges.size();
  tables_->merges.reserve(count);
  const bool pairs = count > 0 && merges.json()[0].is_array();
  uint32_t rank = 0;
  std::string left, right;
  for (size_t i = 0; i < count; ++i) {
    if (!merge_parts(merges, i, pairs, left, right)) continue;
    if (right.size() < prefix_.size()) merges[i].fail("the right token is shorter than the prefix");
    const std::string merged = left + right.substr(prefix_.size());
    const auto left_id = find(left);
    const auto right_id = find(right);
    const auto merged_id = find(merged);
    using Part = std::pair<const std::string*, std::optional<int32_t>>;
    for (const Part& part :
         {Part{&left, left_id}, Part{&right, right_id}, Part{&merged, merged_id}}) {
      if (!part.second) {
        merges[i].fail("\"" + *part.first +
                       "\" is not in /model/vocab (Hugging Face refuses this too)");
      }
    }
    tables_->merges.insert_or_assign(*left_id, *right_id, rank++, *merged_id);
  }
}

std::optional<int32_t> BpeModel::find(std::string_view token) const {
  const auto it = tables_->ids.find(token);
  if (it == tables_->ids.end()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> BpeModel::token_to_id(std::string_view token) const { return find(token); }

int64_t BpeModel::token_count() const { return int64_t(tables_->ids.size()); }

const std::string* BpeModel::id_to_token(int64_t id) const {
  if (id < 0 || id >= id_end() || !has_token_[size_t(id)]) return nullptr;
  return &tokens_[size_t(id)];
}

// The vocabulary id of one character of a pre-token, spelled with the prefix when it is not
// the first character and the suffix when it is the last (merge_word in model.rs).
std::optional<int32_t> BpeModel::char_id(std::string_view ch, bool first, bool last,
                                         std::string& scratch) const {
  const bool plain = (first || prefix_.empty()) && (!last || suffix_.empty());
  if (plain) {
    const utf8::Char c = utf8::read_char(ch, 0);
    if (c.code_point < 0x10000) {
      const int32_t id = tables_->bmp_char_ids[c.code_point];
      return id < 0 ? std::nullopt : std::optional<int32_t>(id);
    }
    return find(ch);
  }
  scratch.assign(first ? "" : prefix_);
  scratch += ch;
  if (last) scratch += suffix_;
  return find(scratch);
}

void BpeModel::initial_symbols(std::string_view piece, std::vector<Symbol>& symbols) const {
  auto add = [&](int32_t id, size_t len) {
    const int32_t index = int32_t(symbols.size());
    if (!symbols.empty()) symbols.back().next = index;
    symbols.push_back({id, index - 1, -1, uint32_t(len)});
  };
  int32_t pending_unk = -1;  // an unk symbol not added yet (it may still fuse), and its bytes
  size_t pending_unk_len = 0;
  auto flush_unk = [&] {
    if (pending_unk >= 0) add(pending_unk, pending_unk_len);
    pending_unk = -1;
  };
  std::string scratch;
  for (size_t at = 0; at < piece.size();) {
    const size_t size = utf8::read_char(piece, at).size;
    const bool first = at == 0;
    const bool last = at + size == piece.size();
    const std::string_view ch = piece.substr(at, size);
    at += size;
    if (const auto id = char_id(ch, first, last, scratch)) {
      flush_unk();
      add(*id, size);
      continue;
    }
    if (byte_fallback_) {
      const std::string spelled = (first ? "" : prefix_) + std::string(ch) + (last ? suffix_ : "");
      const bool all_bytes_known = std::all_of(spelled.begin(), spelled.end(), [&](char b) {
        return byte_ids_[static_cast<unsigned char>(b)] >= 0;
      });
      if (all_bytes_known) {
        for (const char b : spelled) add(byte_ids_[static_cast<unsigned char>(b)], 1);
        continue;
      }
    }
    if (!unk_id_) continue;  // no unk token: the character is dropped, as in Hugging Face
    if (pending_unk >= 0 && fuse_unk_) {
      pending_unk_len += size;
    } else {
      flush_unk();
      pending_unk = *unk_id_;
      pending_unk_len = size;
    }
  }
  flush_unk();
}

void BpeModel::merge_all(std::vector<Symbol>& symbols) const {
  thread_local std::vector<QueuedMerge> queue;
  queue.clear();
  const MergeTable& merges = tables_->merges;
  const int32_t count = int32_t(symbols.size());
  for (int32_t i = 0; i + 1 < count; ++i) {
    if (const auto* m = merges.find(symbols[i].id, symbols[i + 1].id)) {
      queue.push_back({m->rank, uint32_t(i), m->new_id});
    }
  }
  std::make_heap(queue.begin(), queue.end(), ComesLater{});
  auto push = [&](const MergeTable::Entry* m, int32_t pos) {
    if (!m) return;
    queue.push_back({m->rank, uint32_t(pos), m->new_id});
    std::push_heap(queue.begin(), queue.end(), ComesLater{});
  };
  while (!queue.empty()) {
    std::pop_heap(queue.begin(), queue.end(), ComesLater{});
    const QueuedMerge top = queue.back();
    queue.pop_back();
    Symbol& current = symbols[top.pos];
    if (current.len == 0 || current.next == -1) continue;
    const int32_t next_pos = current.next;
    const Symbol right = symbols[size_t(next_pos)];
    const auto* now = merges.find(current.id, right.id);
    if (!now || now->new_id != top.new_id) continue;  // an entry made stale by another merge
    current.id = top.new_id;
    current.len += right.len;
    current.next = right.next;
    symbols[size_t(next_pos)].len = 0;
    if (right.next >= 0 && right.next < count) symbols[size_t(right.next)].prev = int32_t(top.pos);
    if (current.prev >= 0)
      push(merges.find(symbols[size_t(current.prev)].id, current.id), current.prev);
    if (current.next >= 0 && current.next < count) {
      push(merges.find(current.id, symbols[size_t(current.next)].id), int32_t(top.pos));
    }
  }
}

void BpeModel::tokenize(std::string_view piece, std::vector<int64_t>& ids) const {
  if (piece.empty()) return;
  if (ignore_merges_) {
    if (const auto id = find(piece)) {
      ids.push_back(*id);
      return;
    }
  }
  if (piece.size() < kMinBytesToCut || !cuts_allowed_) {
    tokenize_word(piece, ids);
    return;
  }
  std::call_once(tables_->adjacent_once, [this] { read_adjacent_pairs(); });
  size_t word_begin = 0;
  for (const size_t cut : free_cuts(piece)) {
    tokenize_word(piece.substr(word_begin, cut - word_begin), ids);
    word_begin = cut;
  }
  tokenize_word(piece.substr(word_begin), ids);
}

// Where a long pre-token (a whole SentencePiece-style text has no pre-tokenizer to cut it)
// can be cut without changing the result. A merge across the boundary between characters u
// and c would make a token holding "uc"; when no vocabulary token holds "uc" and both are
// tokens themselves (no unk or byte fallback there), no merge ever crosses it, so BPE on each
// side alone merges exactly as on the whole. Used only without prefix, suffix and
// ignore_merges, which look at a word's ends.
std::vector<size_t> BpeModel::free_cuts(std::string_view piece) const {
  std::vector<size_t> cuts;
  std::string scratch;
  char32_t previous = utf8::kInvalidCodePoint;
  for (size_t at = 0; at < piece.size();) {
    const utf8::Char c = utf8::read_char(piece, at);
    const bool known = char_id(piece.substr(at, c.size), true, false, scratch).has_value();
    const uint64_t pair = (uint64_t(previous) << 32) | c.code_point;
    if (known && previous != utf8::kInvalidCodePoint &&
        !std::binary_search(tables_->adjacent_in_tokens.begin(), tables_->adjacent_in_tokens.end(),
                            pair)) {
      cuts.push_back(at);
    }
    previous = known ? c.code_point : utf8::kInvalidCodePoint;
    at += c.size;
  }
  return cuts;
}

// Built on the first long pre-token: byte-level tokenizers, whose pre-tokenizer keeps pieces
// short, seldom need it, and it takes a while on a large vocabulary.
void BpeModel::read_adjacent_pairs() const {
  std::vector<uint64_t>& pairs = tables_->adjacent_in_tokens;
  for (const auto& [token, id] : tables_->ids) {
    char32_t previous = utf8::kInvalidCodePoint;
    for (size_t at = 0; at < token.size();) {
      const utf8::Char c = utf8::read_char(token, at);
      if (previous != utf8::kInvalidCodePoint) {
        pairs.push_back((uint64_t(previous) << 32) | c.code_point);
      }
      previous = c.code_point;
      at += c.size;
    }
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  pairs.shrink_to_fit();
}

void BpeModel::tokenize_word(std::string_view word, std::vector<int64_t>& ids) const {
  const bool cacheable = word.size() < kMaxCachedPieceBytes;
  if (cacheable && cache_->append(word, ids)) return;
  thread_local std::vector<Symbol> symbols;
  symbols.clear();
  initial_symbols(word, symbols);
  merge_all(symbols);
  const size_t first = ids.size();
  for (const Symbol& s : symbols) {
    if (s.len != 0) ids.push_back(s.id);
  }
  if (cacheable) cache_->put(word, ids.data() + first, ids.size() - first);
}

}  // namespace tb
