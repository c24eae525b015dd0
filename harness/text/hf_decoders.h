// tokenizer.json decoders (Hugging Face tokenizers src/decoders/): turn the token strings of
// some ids back into text. Supported: ByteLevel, Metaspace, Replace, ByteFallback, Fuse,
// Strip, Sequence; anything else is refused when the file is loaded.
// Choice: where Hugging Face replaces bytes that are not valid UTF-8 with U+FFFD (ByteLevel:
// String::from_utf8_lossy; ByteFallback: one U+FFFD per byte), we keep the bytes, so that
// decode(encode(bytes)) gives the bytes back and a split character decodes in two halves that
// join. On every id list whose text is valid UTF-8 the result is the same.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "harness/text/hf_json_reader.h"

namespace tb {

class HfDecoder {
 public:
  virtual ~HfDecoder() = default;
  // decode_chain (tokenizer/mod.rs Decoder): tokens in, pieces of text out.
  virtual void decode_chain(std::vector<std::string>& tokens) const = 0;
};

// nullptr for a null decoder. Throws UserError for what is not supported.
std::unique_ptr<HfDecoder> make_hf_decoder(const JsonAt& config);

// The text of `tokens`: the decoder's pieces joined, or with no decoder the tokens joined by
// single spaces (Hugging Face's TokenizerImpl::decode).
std::string decode_tokens(const HfDecoder* decoder, std::vector<std::string> tokens);

}  // namespace tb
