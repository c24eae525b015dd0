// Chat templates (see chat_template.h). The variables mirror transformers.js
// `PreTrainedTokenizer.apply_chat_template` (src/tokenization_utils.js): messages,
// add_generation_prompt, tools = null, documents = null, the special tokens that are set,
// then the caller's keyword arguments, which win. Template selection mirrors its
// `get_chat_template`: a list of named templates yields the one named "default".
#include "harness/text/chat_template.h"

#include "harness/common/check.h"

namespace tb {
namespace {

std::string token_text(const nlohmann::json& config, const char* key, const std::string& label) {
  const auto it = config.find(key);
  if (it == config.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object()) {
    const auto content = it->find("content");
    if (content != it->end() && content->is_string()) return content->get<std::string>();
  }
  throw UserError(label + ": /" + key + " must be a string or an object with a string \"content\"");
}

std::string named_templates_default(const nlohmann::json& list, const std::string& label) {
  std::string names;
  for (const auto& entry : list) {
    if (!entry.is_object() || !entry.contains("name") || !entry.contains("template") ||
        !entry["name"].is_string() || !entry["template"].is_string()) {
      throw UserError(label +
                      ": /chat_template must list objects with string \"name\" and \"template\"");
    }
    if (entry["name"] == "default") return entry["template"].get<std::string>();
    names += (names.empty() ? "" : ", ") + entry["name"].get<std::string>();
  }
  throw UserError(label + ": /chat_template has no template named \"default\" (it has: " + names +
                  "); pass the template to use explicitly");
}

}  // namespace

ChatTemplate::ChatTemplate(std::string source, std::string origin)
    : template_(std::move(source), std::move(origin)) {}

std::string ChatTemplate::render(const ChatTemplateInputs& inputs,
                                 const jinja::RenderOptions& options) const {
  if (!inputs.extra.is_object())
    throw UserError(template_.origin() + ": the extra template variables must be a JSON object");
  nlohmann::ordered_json variables = {
      {"messages", inputs.messages},
      {"add_generation_prompt", inputs.add_generation_prompt},
      {"tools", nullptr},
      {"documents", nullptr},
  };
  if (!inputs.bos_token.empty()) variables["bos_token"] = inputs.bos_token;
  if (!inputs.eos_token.empty()) variables["eos_token"] = inputs.eos_token;
  for (auto it = inputs.extra.begin(); it != inputs.extra.end(); ++it)
    variables[it.key()] = it.value();
  return template_.render(variables, options);
}

TokenizerChatConfig chat_config_from_tokenizer_config(const nlohmann::json& config,
                                                      const std::string& label) {
  if (!config.is_object()) throw UserError(label + ": expected a JSON object");
  TokenizerChatConfig out;
  const auto it = config.find("chat_template");
  if (it == config.end() || it->is_null()) {
    throw UserError(label + ": there is no /chat_template; this tokenizer cannot format chats");
  }
  if (it->is_string()) {
    out.chat_template = it->get<std::string>();
    out.origin = label + ": /chat_template";
  } else if (it->is_array()) {
    out.chat_template = named_templates_default(*it, label);
    out.origin = label + ": /chat_template (\"default\")";
  } else {
    throw UserError(label +
                    ": /chat_template must be a string or a list of {\"name\", \"template\"}");
  }
  out.bos_token = token_text(config, "bos_token", label);
  out.eos_token = token_text(config, "eos_token", label);
  return out;
}

}  // namespace tb
