// TemplateProcessing as processors/template.rs (Hugging Face tokenizers) applies it: "single"
// is a list of pieces, {"SpecialToken": {"id": name, "type_id": n}} (the ids listed under
// special_tokens[name].ids) or {"Sequence": {"id": "A", "type_id": n}} (the text's tokens).
#include "harness/text/hf_post_processor.h"

namespace tb {
namespace {

constexpr std::string_view kSupported = "ByteLevel, TemplateProcessing, Sequence";

// The one id of special_tokens[name] (template.rs Tokens).
int64_t special_token_id(const JsonAt& templ, const JsonAt& name_at,
                         const std::function<bool(int64_t)>& is_token_id) {
  const std::string name = name_at.as_string();
  const std::optional<JsonAt> entry = templ["special_tokens"].optional(name);
  if (!entry) name_at.fail("\"" + name + "\" is not listed in special_tokens");
  const JsonAt ids = (*entry)["ids"];
  if (ids.size() != 1) {
    ids.fail("a special token of " + std::to_string(ids.size()) +
             " ids is not supported (the framing adds one BOS id)");
  }
  const int64_t id = ids[0].as_int();
  if (!is_token_id(id)) ids[0].fail(std::to_string(id) + " is not the id of any token");
  return id;
}

std::optional<int64_t> template_bos(const JsonAt& templ,
                                    const std::function<bool(int64_t)>& is_token_id) {
  templ.only_keys({"type", "single", "pair", "special_tokens"});
  const JsonAt single = templ["single"];
  std::optional<int64_t> bos;
  bool sequence_seen = false;
  for (size_t i = 0; i < single.size(); ++i) {
    const JsonAt piece = single[i];
    piece.require_object();
    if (const auto special = piece.optional("SpecialToken")) {
      if (sequence_seen || bos) {
        piece.fail(
            "a special token here is not supported: the framing adds one BOS before the "
            "text and nothing after it (supported single templates: [<special>] $A)");
      }
      bos = special_token_id(templ, (*special)["id"], is_token_id);
    } else if (const auto sequence = piece.optional("Sequence")) {
      if ((*sequence)["id"].as_string() != "A") (*sequence)["id"].refuse("\"A\"");
      sequence_seen = true;
    } else {
      piece.fail("expected {\"SpecialToken\": ...} or {\"Sequence\": ...}");
    }
  }
  if (!sequence_seen) single.fail("the template has no $A");
  return bos;
}

}  // namespace

std::optional<int64_t> read_template_bos(const JsonAt& post_processor,
                                         const std::function<bool(int64_t)>& is_token_id) {
  if (post_processor.is_null()) return std::nullopt;
  const std::string type = post_processor.type();
  if (type == "ByteLevel") {
    post_processor.only_keys({"type", "add_prefix_space", "trim_offsets", "use_regex"});
    return std::nullopt;
  }
  if (type == "TemplateProcessing") return template_bos(post_processor, is_token_id);
  if (type == "Sequence") {
    post_processor.only_keys({"type", "processors"});
    const JsonAt list = post_processor["processors"];
    std::optional<int64_t> bos;
    for (size_t i = 0; i < list.size(); ++i) {
      const std::optional<int64_t> step = read_template_bos(list[i], is_token_id);
      if (step && bos) list[i].fail("a second template adding a BOS is not supported");
      if (step) bos = step;
    }
    return bos;
  }
  post_processor["type"].refuse(kSupported);
}

}  // namespace tb
