// Metaspace options as pre_tokenizers/metaspace.rs (Hugging Face tokenizers) deserializes them.
#include "harness/text/hf_metaspace_options.h"

#include "harness/text/utf8_text.h"

namespace tb {
namespace {

PrependScheme prepend_scheme_of(const JsonAt& name) {
  const std::string value = name.as_string();
  if (value == "always") return PrependScheme::kAlways;
  if (value == "first") return PrependScheme::kFirst;
  if (value == "never") return PrependScheme::kNever;
  name.refuse("always, first, never");
}

}  // namespace

MetaspaceOptions read_metaspace_options(const JsonAt& config) {
  config.only_keys(
      {"type", "replacement", "add_prefix_space", "prepend_scheme", "split", "str_rep"});
  MetaspaceOptions options;
  const JsonAt replacement = config["replacement"];
  options.replacement = replacement.as_string();
  if (!utf8::is_single_char(options.replacement)) replacement.fail("expected one character");
  if (const auto scheme = config.optional("prepend_scheme")) {
    options.prepend_scheme = prepend_scheme_of(*scheme);
  }
  if (!config.bool_or("add_prefix_space", true) &&
      options.prepend_scheme != PrependScheme::kNever) {
    config["add_prefix_space"].fail(
        "false does not match prepend_scheme (Hugging Face refuses it too: \"add_prefix_space "
        "does not match declared prepend_scheme\"); set \"prepend_scheme\": \"never\"");
  }
  options.split = config.bool_or("split", true);
  return options;
}

}  // namespace tb
