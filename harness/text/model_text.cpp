#include "harness/text/model_text.h"

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/text/byte_tokenizer.h"
#include "harness/text/hf_tokenizer.h"

namespace tb {
namespace {

std::string token_text(const Tokenizer& tok, std::optional<int64_t> id) {
  return id ? tok.id_to_token(*id) : "";
}

// The template of the folder's tokenizer_config.json, when it has one.
std::optional<ChatTemplate> folder_chat_template(const std::filesystem::path& folder) {
  const auto config_file = folder / "tokenizer_config.json";
  if (!std::filesystem::exists(config_file)) return std::nullopt;
  const auto config = nlohmann::json::parse(read_file(config_file), nullptr, false);
  if (config.is_discarded() || !config.is_object() || !config.contains("chat_template")) return std::nullopt;
  const TokenizerChatConfig chat = chat_config_from_tokenizer_config(config, config_file.string());
  return ChatTemplate(chat.chat_template, chat.origin);
}

}  // namespace

ModelText::ModelText(const nlohmann::json& base_model) {
  if (!base_model.contains("tokenizer")) {
    tokenizer_ = std::make_unique<ByteTokenizer>();
  } else {
    const auto& entry = base_model.at("tokenizer");
    tokenizer_folder_ = entry.at("path").get<std::string>();
    tokenizer_ = std::make_unique<HfTokenizer>(tokenizer_folder_);
    if (tokenizer_->fingerprint() != entry.at("sha256").get<std::string>()) {
      throw UserError(tokenizer_folder_ + ": the tokenizer files changed since the sweep was validated (its runs "
                      "are keyed by their content); restore them or start a new sweep");
    }
    bos_token_ = token_text(*tokenizer_, tokenizer_->special().bos);
    eos_token_ = token_text(*tokenizer_, tokenizer_->special().eos);
    if (!base_model.contains("chat_template")) chat_template_ = folder_chat_template(tokenizer_folder_);
  }
  if (base_model.contains("chat_template")) {
    chat_template_.emplace(base_model.at("chat_template").get<std::string>(), "base_model.chat_template");
  }
}

std::string ModelText::render_chat(const nlohmann::ordered_json& messages, bool add_generation_prompt) const {
  if (!chat_template_) {
    throw UserError("conversations need a chat template, and " +
                    (tokenizer_folder_.empty() ? std::string("the byte tokenizer has none")
                                               : tokenizer_folder_ + "/tokenizer_config.json has no chat_template") +
                    ": give one as base_model.chat_template");
  }
  ChatTemplateInputs inputs;
  inputs.messages = messages;
  inputs.add_generation_prompt = add_generation_prompt;
  inputs.bos_token = bos_token_;
  inputs.eos_token = eos_token_;
  return chat_template_->render(inputs);
}

nlohmann::json resolve_tokenizer_entry(const std::string& folder, const std::filesystem::path& spec_dir) {
  const std::filesystem::path path = std::filesystem::absolute(spec_dir / folder).lexically_normal();
  const HfTokenizer tokenizer(path);
  return {{"path", path.string()}, {"sha256", tokenizer.fingerprint()}};
}

}  // namespace tb
