// The tokenizer.json pipeline of Hugging Face tokenizers (tokenizer/mod.rs
// encode_single_sequence and decode; serialization.rs for the file's top level):
//   added_vocabulary.extract_and_normalize -> pre_tokenizer -> model, per stretch of text.
#include "harness/text/hf_tokenizer.h"

#include <algorithm>
#include <stdexcept>

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/common/json_text.h"
#include "harness/common/sha256.h"
#include "harness/text/hf_added_tokens.h"
#include "harness/text/hf_bpe_model.h"
#include "harness/text/hf_decoders.h"
#include "harness/text/hf_normalizers.h"
#include "harness/text/hf_post_processor.h"
#include "harness/text/hf_pre_tokenizers.h"
#include "harness/text/hf_special_tokens_config.h"

namespace tb {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFileNames[] = {"tokenizer.json", "tokenizer_config.json",
                                      "generation_config.json"};

// `tokenizer_json` is the file's bytes, already read; the other two are read here.
std::string fingerprint_of(const fs::path& folder, const std::string& tokenizer_json) {
  std::string summary;
  for (const char* name : kFileNames) {
    const fs::path path = folder / name;
    std::string hash = "absent";
    if (path.filename() == "tokenizer.json") {
      hash = sha256_hex(tokenizer_json);
    } else if (fs::exists(path)) {
      hash = sha256_hex(read_file(path));
    }
    summary += std::string(name) + "\n" + hash + "\n";
  }
  return sha256_hex(summary);
}

std::string read_tokenizer_json(const fs::path& path) {
  if (!fs::exists(path)) {
    throw UserError(path.string() +
                    ": not found. A Hugging Face tokenizer folder needs tokenizer.json (the "
                    "\"fast\" tokenizer file); for a model that ships only tokenizer.model or "
                    "vocab.json + merges.txt, write one with transformers: "
                    "AutoTokenizer.from_pretrained(model).save_pretrained(folder)");
  }
  return read_file(path);
}

// The top level of tokenizer.json (serialization.rs), with what encode() does not do refused.
void check_top_level(const JsonAt& root) {
  root.only_keys({"version", "truncation", "padding", "added_tokens", "normalizer", "pre_tokenizer",
                  "post_processor", "decoder", "model"});
  if (const auto version = root.optional("version")) {
    if (version->as_string() != "1.0") version->refuse("\"1.0\"");
  }
  for (const char* key : {"truncation", "padding"}) {
    if (const auto value = root.optional(key)) {
      value->fail(
          "is not null: encode() neither truncates nor pads (the harness frames "
          "sequences itself); set it to null");
    }
  }
}

}  // namespace

HfTokenizer::HfTokenizer(const fs::path& folder) {
  const fs::path path = folder / "tokenizer.json";
  const std::string bytes = read_tokenizer_json(path);
  const nlohmann::json json = parse_json_text(bytes, path.string());
  const JsonAt root(json, path.string());
  root.require_object();
  check_top_level(root);
  load_pipeline(root);
  const nlohmann::json null_json;
  const std::optional<JsonAt> post = root.optional("post_processor");
  load_special_tokens(folder, post ? *post : JsonAt(null_json, path.string(), "/post_processor"));
  fingerprint_ = fingerprint_of(folder, bytes);
}

HfTokenizer::~HfTokenizer() = default;

void HfTokenizer::load_pipeline(const JsonAt& root) {
  const nlohmann::json null_json;
  auto component = [&](std::string_view key) {
    const std::optional<JsonAt> at = root.optional(key);
    return at ? *at : JsonAt(null_json, "", "");
  };
  normalizer_ = make_hf_normalizer(component("normalizer"));
  pre_tokenizer_ = make_hf_pre_tokenizer(component("pre_tokenizer"));
  model_ = BpeModel::from_json(root["model"]);
  decoder_ = make_hf_decoder(component("decoder"));
  const nlohmann::json no_tokens = nlohmann::json::array();
  const std::optional<JsonAt> added = root.optional("added_tokens");
  added_ = std::make_unique<AddedTokens>(added ? *added : JsonAt(no_tokens, "", "/added_tokens"),
                                         *model_, normalizer_.get());
  vocab_size_ = model_->id_end();
  for (const HfAddedToken& t : added_->all()) vocab_size_ = std::max(vocab_size_, t.id + 1);
}

bool HfTokenizer::is_token_id(int64_t id) const {
  return added_->by_id(id) != nullptr || model_->id_to_token(id) != nullptr;
}

void HfTokenizer::load_special_tokens(const fs::path& folder, const JsonAt& post_processor) {
  special_.bos = read_template_bos(post_processor, [this](int64_t id) { return is_token_id(id); });
  const HfSpecialTokensConfig config = read_hf_special_tokens_config(folder);
  for (const int64_t id : config.generation_eos_ids) {
    if (!is_token_id(id)) {
      throw UserError(config.generation_where + ": " + std::to_string(id) +
                      " is not the id of any token of tokenizer.json");
    }
  }
  special_.eos = eos_id(config, folder);
  special_.pad = config.pad_token ? named_id(*config.pad_token) : special_.eos;
  special_.stop = {special_.eos};  // then generation_config.json's others, in its order
  for (const int64_t id : config.generation_eos_ids) {
    if (std::find(special_.stop.begin(), special_.stop.end(), id) == special_.stop.end()) {
      special_.stop.push_back(id);
    }
  }
}

int64_t HfTokenizer::named_id(const HfSpecialTokensConfig::Named& token) const {
  const std::optional<int64_t> id = token_to_id(token.content);
  if (!id) {
    throw UserError(token.where + ": \"" + token.content + "\" is not a token of tokenizer.json");
  }
  return *id;
}

// tokenizer_config.json's eos_token, else generation_config.json's first eos_token_id.
int64_t HfTokenizer::eos_id(const HfSpecialTokensConfig& config, const fs::path& folder) const {
  if (config.eos_token) return named_id(*config.eos_token);
  if (!config.generation_eos_ids.empty()) return config.generation_eos_ids.front();
  throw UserError((folder / "tokenizer_config.json").string() +
                  ": no EOS token: neither tokenizer_config.json's \"eos_token\" nor "
                  "generation_config.json's \"eos_token_id\" names one; add \"eos_token\" to "
                  "tokenizer_config.json (the token that ends a document)");
}

std::vector<int64_t> HfTokenizer::encode(std::string_view text) const {
  std::vector<int64_t> ids;
  std::vector<AddedTokenSplit> stretches;
  added_->split(text, /*normalized=*/false, stretches);
  for (const AddedTokenSplit& s : stretches) {
    if (s.token >= 0) {
      ids.push_back(s.token);
    } else {
      encode_stretch(text.substr(s.begin, s.end - s.begin), s.begin == 0, ids);
    }
  }
  return ids;
}

void HfTokenizer::encode_stretch(std::string_view raw, bool at_input_start,
                                 std::vector<int64_t>& ids) const {
  std::string normalized(raw);
  if (normalizer_) normalizer_->normalize(normalized);
  std::vector<AddedTokenSplit> stretches;
  added_->split(normalized, /*normalized=*/true, stretches);
  PreTokenPieces pieces;
  for (const AddedTokenSplit& s : stretches) {
    if (s.token >= 0) {
      ids.push_back(s.token);
      continue;
    }
    pieces.text.assign(normalized, s.begin, s.end - s.begin);
    pieces.pieces.assign(1, {0, pieces.text.size(), at_input_start && s.begin == 0});
    if (pre_tokenizer_) pre_tokenizer_->pre_tokenize(pieces);
    const std::string_view text = pieces.text;
    for (const PreTokenPieces::Piece& p : pieces.pieces) {
      model_->tokenize(text.substr(p.begin, p.end - p.begin), ids);
    }
  }
}

std::string HfTokenizer::decode(const std::vector<int64_t>& ids, bool skip_special) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (const int64_t id : ids) {
    if (const HfAddedToken* added = added_->by_id(id)) {
      if (!(skip_special && added->special)) tokens.push_back(added->decoded);
    } else if (const std::string* token = model_->id_to_token(id)) {
      tokens.push_back(*token);
    }  // else: an id outside the vocabulary, which Hugging Face skips too
  }
  return decode_tokens(decoder_.get(), std::move(tokens));
}

bool HfTokenizer::is_special(int64_t id) const {
  const HfAddedToken* added = added_->by_id(id);
  return added != nullptr && added->special;
}

std::string HfTokenizer::id_to_token(int64_t id) const {
  if (const HfAddedToken* added = added_->by_id(id)) return added->content;
  if (const std::string* token = model_->id_to_token(id)) return *token;
  throw std::out_of_range("token id " + std::to_string(id) + " is not in the vocabulary (ids 0.." +
                          std::to_string(vocab_size_ - 1) + ")");
}

std::optional<int64_t> HfTokenizer::token_to_id(std::string_view token) const {
  if (const HfAddedToken* added = added_->by_content(token)) return added->id;
  return model_->token_to_id(token);
}

}  // namespace tb
