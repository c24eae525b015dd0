// tokenizer.json "post_processor": what Hugging Face adds around a sequence when asked for
// special tokens (processors/template.rs, pre_tokenizers/byte_level.rs, processors/sequence.rs).
// The Tokenizer interface frames a sequence with BOS only, so we read which special token the
// single-sequence template puts before $A, and refuse a template that adds anything else.
// Supported: null, ByteLevel (offsets only), TemplateProcessing of the form [<special>] $A,
// Sequence of those.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "harness/text/hf_json_reader.h"

namespace tb {

// The BOS id the template prepends, or nullopt when it prepends nothing. `is_token_id` tells
// whether an id names a token of the tokenizer.
std::optional<int64_t> read_template_bos(const JsonAt& post_processor,
                                         const std::function<bool(int64_t)>& is_token_id);

}  // namespace tb
