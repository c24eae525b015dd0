// The tokenizer seam: everything that turns text into token ids and back goes through this
// interface. Implementations: ByteTokenizer (the synthetic base models: token i < 256 is
// byte i, then BOS, EOS, PAD) and the Hugging Face `tokenizer.json` tokenizer (byte-level
// BPE as in Llama-3 and Qwen, SentencePiece-style BPE as in Llama-2 and Mistral).
// Nothing outside an implementation may assume that a byte is a token.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tb {

// The ids a sequence is framed with. `bos` is set only when the tokenizer's own template
// starts a sequence with it (Llama-3 and Llama-2 do, Qwen does not). `eos` ends a document
// and a training answer; `stop` holds every id that ends generation (eos first, then e.g.
// generation_config.json's other eos ids such as <|eot_id|>). `pad` fills batch rows (eos
// when the tokenizer defines no pad token).
struct SpecialTokenIds {
  std::optional<int64_t> bos;
  int64_t eos = -1;
  int64_t pad = -1;
  std::vector<int64_t> stop;
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Token ids of `text` without any framing (no BOS/EOS added). Special and added tokens
  // written in the text are matched as such before the model sees the rest.
  virtual std::vector<int64_t> encode(std::string_view text) const = 0;
  // Text of `ids` (the tokenizer's decoder); special tokens are left out when skip_special.
  virtual std::string decode(const std::vector<int64_t>& ids, bool skip_special = true) const = 0;

  // Rows the embedding needs: the largest id + 1.
  virtual int64_t vocab_size() const = 0;
  virtual const SpecialTokenIds& special() const = 0;
  // True for special tokens (BOS, EOS, PAD, chat markers...), which decode may skip and
  // which random-token corruption must never draw.
  virtual bool is_special(int64_t id) const = 0;

  // The vocabulary's string form of one token (e.g. "Ġthe", "▁the", "<|eot_id|>").
  virtual std::string id_to_token(int64_t id) const = 0;
  virtual std::optional<int64_t> token_to_id(std::string_view token) const = 0;

  // A stable identity of everything that decides encode/decode (the file hash for
  // tokenizer.json): part of cache keys of models and base evaluations.
  virtual std::string fingerprint() const = 0;

  // Framing helpers shared by every caller: [BOS] + encode(text), and the same + [EOS].
  std::vector<int64_t> encode_with_bos(std::string_view text) const;
  std::vector<int64_t> encode_document(std::string_view text) const;

  // A prompt and what follows it, as training and teacher-forced scoring see them. The
  // whole text is encoded at once and the target is what follows the prompt's own encoding
  // (lm-evaluation-harness's _encode_pair, TRL's prompt-completion tokenisation), so a
  // token that would span the boundary is not split differently from how the model reads
  // it; when the prompt's encoding is not a prefix of the whole's, the two are encoded
  // apart. `add_bos`: [BOS] first (a chat template writes its own); `add_eos`: [EOS] last.
  struct PromptTarget {
    std::vector<int64_t> prompt, target;
  };
  PromptTarget encode_prompt_target(const std::string& prompt, const std::string& target, bool add_bos,
                                    bool add_eos) const;
};

}  // namespace tb
