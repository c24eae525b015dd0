// EOS, PAD and stop tokens of a Hugging Face model folder, from tokenizer_config.json
// ("eos_token", "pad_token": a string or {"content": ...}) and generation_config.json
// ("eos_token_id": an id or a list of ids), as transformers reads them.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tb {

struct HfSpecialTokensConfig {
  // A token and where it was given, for error messages ("tokenizer_config.json: /eos_token").
  struct Named {
    std::string content;
    std::string where;
  };
  std::optional<Named> eos_token;           // tokenizer_config.json
  std::optional<Named> pad_token;           // tokenizer_config.json
  std::vector<int64_t> generation_eos_ids;  // generation_config.json, in its order
  std::string generation_where;             // "<path>: /eos_token_id"
};

// Reads the two files when present (either may be absent). Throws UserError naming the file
// and JSON path for a file that is not JSON or a value of the wrong kind.
HfSpecialTokensConfig read_hf_special_tokens_config(const std::filesystem::path& folder);

}  // namespace tb
