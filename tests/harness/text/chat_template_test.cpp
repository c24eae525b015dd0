#include "harness/text/chat_template.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "harness/common/check.h"

namespace tb {
namespace {

using OrderedJson = nlohmann::ordered_json;

const std::string kDataDir = std::string(TUNEBENCH_SOURCE_DIR) + "/tests/data/chat_templates/";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

OrderedJson read_json(const std::string& name) {
  return OrderedJson::parse(read_file(kDataDir + name));
}

// The variables render_chat_templates.mjs passes for `conversation` with `template_spec`.
ChatTemplateInputs inputs_for(const OrderedJson& conversation, const OrderedJson& template_spec) {
  ChatTemplateInputs inputs;
  inputs.messages = conversation.at("messages");
  inputs.add_generation_prompt = conversation.at("add_generation_prompt").get<bool>();
  if (template_spec.at("bos_token").is_string()) inputs.bos_token = template_spec.at("bos_token");
  if (template_spec.at("eos_token").is_string()) inputs.eos_token = template_spec.at("eos_token");
  if (conversation.contains("extra")) inputs.extra = conversation.at("extra");
  return inputs;
}

const OrderedJson& conversation_named(const OrderedJson& spec, const std::string& name) {
  for (const auto& c : spec.at("conversations")) {
    if (c.at("name") == name) return c;
  }
  ADD_FAILURE() << "conversations.json has no conversation " << name;
  return spec;
}

ChatTemplate template_named(const OrderedJson& spec, const std::string& name) {
  const std::string file = spec.at("templates").at(name).at("file");
  return ChatTemplate(read_file(kDataDir + file), file);
}

TEST(ChatTemplate, RendersEveryConversationExactlyAsHuggingFaceJinja) {
  const OrderedJson spec = read_json("conversations.json");
  const OrderedJson expected = read_json("rendered.json").at("rendered");
  int compared = 0;
  for (const auto& [name, template_spec] : spec.at("templates").items()) {
    const ChatTemplate chat_template = template_named(spec, name);
    for (const auto& conversation_name : template_spec.at("renders")) {
      const auto& conversation = conversation_named(spec, conversation_name);
      const std::string want = expected.at(name).at(conversation_name.get<std::string>());
      EXPECT_EQ(chat_template.render(inputs_for(conversation, template_spec)), want)
          << "template " << name << ", conversation " << conversation_name;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 58);
}

TEST(ChatTemplate, RefusedConversationsCarryTheTemplatesMessage) {
  const OrderedJson spec = read_json("conversations.json");
  const OrderedJson raised = read_json("rendered.json").at("raised");
  int refused = 0;
  for (const auto& [name, template_spec] : spec.at("templates").items()) {
    const ChatTemplate chat_template = template_named(spec, name);
    for (const auto& [conversation_name, message] : raised.at(name).items()) {
      const auto& conversation = conversation_named(spec, conversation_name);
      try {
        chat_template.render(inputs_for(conversation, template_spec));
        ADD_FAILURE() << name << " rendered " << conversation_name << " instead of refusing it";
      } catch (const UserError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(message.get<std::string>()), std::string::npos) << what;
        EXPECT_EQ(what.rfind(template_spec.at("file").get<std::string>() + ", line ", 0), 0u)
            << what;
      }
      ++refused;
    }
  }
  EXPECT_EQ(refused, 3);
}

TEST(ChatTemplate, ExtraVariablesOverrideAndMissingTokensStayUndefined) {
  const ChatTemplate t(
      "{{ bos_token is defined }}|{{ eos_token }}|{{ tools is none }}|{{ add_generation_prompt }}",
      "test");
  ChatTemplateInputs inputs;
  inputs.eos_token = "</s>";
  EXPECT_EQ(t.render(inputs), "false|</s>|true|false");
  inputs.extra = {{"tools", OrderedJson::array()}, {"add_generation_prompt", true}};
  EXPECT_EQ(t.render(inputs), "false|</s>|false|true");
}

TEST(ChatTemplate, SyntaxErrorsAreReportedWhenTheTemplateIsLoaded) {
  try {
    ChatTemplate("{% for m in messages %}\n  {% call x() %}{% endcall %}\n{% endfor %}",
                 "tokenizer_config.json: /chat_template");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(
        std::string(e.what()),
        "tokenizer_config.json: /chat_template, line 2, column 6: the 'call' statement is not "
        "supported by tunebench's Jinja engine");
  }
}

TEST(ChatTemplate, ReadsTheTemplateAndTokensOfATokenizerConfig) {
  const auto plain = chat_config_from_tokenizer_config(
      nlohmann::json::parse(R"({"chat_template": "{{ x }}", "bos_token": "<s>",
                                "eos_token": {"content": "</s>", "lstrip": false}})"),
      "tokenizer_config.json");
  EXPECT_EQ(plain.chat_template, "{{ x }}");
  EXPECT_EQ(plain.origin, "tokenizer_config.json: /chat_template");
  EXPECT_EQ(plain.bos_token, "<s>");
  EXPECT_EQ(plain.eos_token, "</s>");

  const auto named = chat_config_from_tokenizer_config(
      nlohmann::json::parse(R"({"chat_template": [{"name": "tool_use", "template": "T"},
                                                  {"name": "default", "template": "D"}],
                                "bos_token": null})"),
      "c.json");
  EXPECT_EQ(named.chat_template, "D");
  EXPECT_EQ(named.bos_token, "");
  EXPECT_EQ(named.eos_token, "");

  try {
    chat_config_from_tokenizer_config(
        nlohmann::json::parse(R"({"chat_template": [{"name": "rag", "template": "R"}]})"),
        "c.json");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()),
              "c.json: /chat_template has no template named \"default\" (it has: rag); pass the "
              "template to use explicitly");
  }
  EXPECT_THROW(chat_config_from_tokenizer_config(nlohmann::json::parse("{}"), "c.json"), UserError);
  EXPECT_THROW(
      chat_config_from_tokenizer_config(nlohmann::json::parse(R"({"chat_template": 3})"), "c.json"),
      UserError);
}

}  // namespace
}  // namespace tb
