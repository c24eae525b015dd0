// `tunebench tokenize`: what a run will see — text to token ids, ids to text, and
// conversations rendered with the chat template — with the tokenizer a spec names.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/text/model_text.h"

namespace tb::cli {

namespace {
const char* kHelp = R"(usage: tunebench tokenize --tokenizer DIR (--text T | --file F) [--decode] [--chat]
                         [--chat-template FILE] [--rendered]

Prints what a run sees: the token ids of each input, one JSON array per line.

  --tokenizer DIR       a folder with tokenizer.json (and tokenizer_config.json,
                        generation_config.json), as a spec's base_model.tokenizer; "bytes":
                        the byte tokenizer of tunebench's synthetic models
  --text T              one input
  --file F              one input per line ("-": standard input)
  --decode              inputs are JSON arrays of ids; prints each decoded text as a JSON string
                        (special tokens included)
  --chat                inputs are JSON objects {"messages": [...]}, rendered with the chat
                        template first (with the generation prompt when the last message is
                        not the assistant's)
  --chat-template FILE  the Jinja template to use instead of the tokenizer's
  --rendered            with --chat: print the rendered text (a JSON string) instead of ids
)";

std::vector<std::string> input_lines(const std::string& text, const std::string& file, bool has_text) {
  if (has_text) return {text};
  std::vector<std::string> lines;
  std::ifstream stream;
  if (file != "-") {
    stream.open(file, std::ios::binary);
    if (!stream) throw UserError(file + ": cannot be read");
  }
  std::istream& in = file == "-" ? std::cin : stream;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

nlohmann::json model_section(const std::string& tokenizer, const std::string& template_file) {
  nlohmann::json section = nlohmann::json::object();
  if (tokenizer != "bytes") section["tokenizer"] = resolve_tokenizer_entry(tokenizer, ".");
  if (!template_file.empty()) section["chat_template"] = read_file(template_file);
  return section;
}

nlohmann::json parse_line(const std::string& line, const std::string& where) {
  try {
    return nlohmann::ordered_json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    throw UserError(where + ": not valid JSON (" + e.what() + ")");
  }
}

std::vector<int64_t> ids_of(const nlohmann::json& value, const std::string& where) {
  if (!value.is_array()) throw UserError(where + ": expected a JSON array of token ids");
  std::vector<int64_t> ids;
  for (const auto& id : value) {
    if (!id.is_number_integer()) throw UserError(where + ": expected integer token ids, got " + id.dump());
    ids.push_back(id.get<int64_t>());
  }
  return ids;
}

// The conversation of one --chat line, rendered.
std::string rendered_chat(const ModelText& text, const std::string& line, const std::string& where) {
  const nlohmann::ordered_json record = nlohmann::ordered_json::parse(line, nullptr, false);
  if (record.is_discarded() || !record.is_object() || !record.contains("messages") || !record.at("messages").is_array() ||
      record.at("messages").empty()) {
    throw UserError(where + ": expected a JSON object {\"messages\": [{\"role\", \"content\"}, ...]}");
  }
  const auto& messages = record.at("messages");
  const bool reply_given = messages.back().is_object() && messages.back().value("role", "") == "assistant";
  try {
    return text.render_chat(messages, !reply_given);
  } catch (const UserError& e) {
    throw UserError(where + ": " + e.what());
  }
}

}  // namespace

int tokenize_command(const Args& given) {
  Args args = given;
  if (take_switch(args, "--help") || take_switch(args, "-h")) {
    std::cout << kHelp;
    return 0;
  }
  std::string tokenizer, text_input, file, template_file;
  const bool has_tokenizer = take_flag(args, "--tokenizer", tokenizer);
  const bool has_text = take_flag(args, "--text", text_input);
  const bool has_file = take_flag(args, "--file", file);
  take_flag(args, "--chat-template", template_file);
  const bool decode = take_switch(args, "--decode"), chat = take_switch(args, "--chat");
  const bool rendered = take_switch(args, "--rendered");
  reject_unknown_flags(args, "tokenize");
  if (!args.empty()) throw UserError("unexpected argument \"" + args[0] + "\" (see tunebench tokenize --help)");
  if (!has_tokenizer) throw UserError("tokenize needs --tokenizer DIR (a folder with tokenizer.json, or \"bytes\")");
  if (has_text == has_file) throw UserError("tokenize needs exactly one of --text T and --file F");
  if (decode && chat) throw UserError("--decode and --chat do not go together");
  if (rendered && !chat) throw UserError("--rendered goes with --chat");

  const ModelText text(model_section(tokenizer, template_file));
  const Tokenizer& tok = text.tokenizer();
  const auto lines = input_lines(text_input, file, has_text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string where = has_text ? "--text" : file + ":" + std::to_string(i + 1);
    if (decode) {
      std::cout << nlohmann::json(tok.decode(ids_of(parse_line(lines[i], where), where), false))
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                << "\n";
    } else if (chat) {
      const std::string conversation = rendered_chat(text, lines[i], where);
      if (rendered) {
        std::cout << nlohmann::json(conversation).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      } else {
        std::cout << nlohmann::json(tok.encode(conversation)).dump() << "\n";
      }
    } else {
      std::cout << nlohmann::json(tok.encode(lines[i])).dump() << "\n";
    }
  }
  return 0;
}

}  // namespace tb::cli
