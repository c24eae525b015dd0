// tokenizer_config.json special tokens as transformers' PreTrainedTokenizerBase reads them (a
// string, or an AddedToken object whose "content" is the token) and generation_config.json's
// eos_token_id as GenerationConfig reads it (an int or a list of ints).
#include "harness/text/hf_special_tokens_config.h"

#include "harness/text/hf_json_reader.h"

namespace tb {
namespace {

std::optional<HfSpecialTokensConfig::Named> token_named(const JsonAt& config,
                                                        const std::string& key,
                                                        const std::string& file) {
  const std::optional<JsonAt> at = config.optional(key);
  if (!at) return std::nullopt;
  if (at->json().is_object()) {
    const JsonAt content = (*at)["content"];
    return HfSpecialTokensConfig::Named{content.as_string(), file + ": " + content.pointer()};
  }
  return HfSpecialTokensConfig::Named{at->as_string(), file + ": " + at->pointer()};
}

}  // namespace

HfSpecialTokensConfig read_hf_special_tokens_config(const std::filesystem::path& folder) {
  HfSpecialTokensConfig out;
  const std::filesystem::path tokenizer_config = folder / "tokenizer_config.json";
  if (std::filesystem::exists(tokenizer_config)) {
    const nlohmann::json json = read_json_file(tokenizer_config);
    const JsonAt root(json, tokenizer_config.string());
    root.require_object();
    out.eos_token = token_named(root, "eos_token", tokenizer_config.string());
    out.pad_token = token_named(root, "pad_token", tokenizer_config.string());
  }
  const std::filesystem::path generation_config = folder / "generation_config.json";
  if (std::filesystem::exists(generation_config)) {
    const nlohmann::json json = read_json_file(generation_config);
    const JsonAt root(json, generation_config.string());
    root.require_object();
    if (const auto ids = root.optional("eos_token_id")) {
      out.generation_where = generation_config.string() + ": " + ids->pointer();
      if (ids->json().is_array()) {
        for (size_t i = 0; i < ids->size(); ++i)
          out.generation_eos_ids.push_back((*ids)[i].as_int());
      } else {
        out.generation_eos_ids.push_back(ids->as_int());
      }
    }
  }
  return out;
}

}  // namespace tb
