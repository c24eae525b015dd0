// The options of tokenizer.json's Metaspace pre-tokenizer and decoder, which Hugging Face
// tokenizers reads with one deserializer (pre_tokenizers/metaspace.rs).
#pragma once
#include <string>

#include "harness/text/hf_json_reader.h"

namespace tb {

enum class PrependScheme { kAlways, kFirst, kNever };

struct MetaspaceOptions {
  std::string replacement;  // one character, UTF-8 ("▁")
  PrependScheme prepend_scheme = PrependScheme::kAlways;
  bool split = true;
};

// prepend_scheme defaults to "always"; the legacy add_prefix_space false requires "never"
// (Hugging Face refuses the mismatch too); str_rep is read and ignored, as Hugging Face does.
MetaspaceOptions read_metaspace_options(const JsonAt& config);

}  // namespace tb
