// A model's chat template (the Jinja `chat_template` of its tokenizer_config.json), rendered
// the way Hugging Face renders it, byte for byte: with @huggingface/jinja's semantics (the
// engine of transformers.js; see harness/text/jinja/template.h) and the variables
// `apply_chat_template` passes (messages, add_generation_prompt, tools and documents as none
// unless given, the tokenizer's bos_token/eos_token when it has them, extra keyword
// arguments). Tested against renderings by @huggingface/jinja itself
// (tests/data/chat_templates, tools/reference/render_chat_templates.mjs).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "harness/text/jinja/template.h"

namespace tb {

struct ChatTemplateInputs {
  // [{"role": ..., "content": ...}, ...]. Key order shows wherever a template uses tojson
  // (tool schemas, tool-call arguments): parse with ordered_json to keep the order as written;
  // a nlohmann::json converts implicitly but has already sorted its keys.
  nlohmann::ordered_json messages = nlohmann::ordered_json::array();
  bool add_generation_prompt = false;
  // Empty: the tokenizer has no such token, and the template sees the name undefined.
  std::string bos_token;
  std::string eos_token;
  // Further variables, e.g. {"tools": [...], "enable_thinking": false, "date_string": "..."};
  // they override the ones above.
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
};

class ChatTemplate {
 public:
  // Parses the template once; syntax errors and constructs tunebench does not support are
  // reported here as tb::UserError naming `origin` (e.g. "tokenizer_config.json:
  // /chat_template") and the line and column.
  ChatTemplate(std::string source, std::string origin);

  // The prompt text. A template's raise_exception("...") (e.g. roles that do not alternate)
  // becomes a tb::UserError carrying the template's text.
  std::string render(const ChatTemplateInputs& inputs,
                     const jinja::RenderOptions& options = {}) const;

 private:
  jinja::Template template_;
};

// What a tokenizer_config.json says about chat formatting.
struct TokenizerChatConfig {
  std::string chat_template;  // the Jinja source
  std::string origin;         // where it came from, for messages
  std::string bos_token;      // empty when the tokenizer has none
  std::string eos_token;
};

// Reads `chat_template` (a string, or a list of {"name", "template"} of which "default" is
// used) and bos_token/eos_token (a string, an {"content": ...} object, or null/absent) from a
// parsed tokenizer_config.json; `label` names the file in messages. Throws tb::UserError when
// there is no usable template.
TokenizerChatConfig chat_config_from_tokenizer_config(const nlohmann::json& config,
                                                      const std::string& label);

}  // namespace tb
