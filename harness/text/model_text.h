// The text side of a base model: the tokenizer its runs encode with and, when there is one,
// the chat template that renders conversations. Built from a validated base_model section:
// without "tokenizer" it is the byte tokenizer of tunebench's synthetic models; with
// {"tokenizer": {"path", "sha256"}} it is that Hugging Face tokenizer folder, and the chat
// template is the section's "chat_template" or else the folder's tokenizer_config.json's.
#pragma once
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "harness/text/chat_template.h"
#include "harness/text/tokenizer.h"

namespace tb {

class ModelText {
 public:
  explicit ModelText(const nlohmann::json& base_model);

  const Tokenizer& tokenizer() const { return *tokenizer_; }
  bool has_chat_template() const { return chat_template_.has_value(); }
  // The conversation rendered with the chat template (tokenizer's bos/eos as the template
  // sees them). Throws UserError when there is no chat template, saying how to give one.
  std::string render_chat(const nlohmann::ordered_json& messages, bool add_generation_prompt) const;

 private:
  std::unique_ptr<Tokenizer> tokenizer_;
  std::optional<ChatTemplate> chat_template_;
  std::string bos_token_, eos_token_;
  std::string tokenizer_folder_;  // for messages; empty for the byte tokenizer
};

// The spec's base_model.tokenizer (a folder, relative to the spec file's folder) as the
// base_model section stores it: {"path": absolute folder, "sha256": the tokenizer's
// fingerprint}. Loads the folder to validate it; UserError names the file and JSON path.
nlohmann::json resolve_tokenizer_entry(const std::string& folder, const std::filesystem::path& spec_dir);

}  // namespace tb
