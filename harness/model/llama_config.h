// Shape of a Llama-style decoder. Field names are those of a Hugging Face Llama
// config.json, so a real checkpoint's config reads directly.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>

#include "harness/spec/schema.h"

namespace tb {

struct LlamaConfig {
  int64_t vocab_size = 259;  // byte-level tokenizer: 256 bytes + BOS, EOS, PAD
  int64_t hidden_size = 128;
  int64_t intermediate_size = 344;
  int64_t num_hidden_layers = 4;
  int64_t num_attention_heads = 4;
  int64_t num_key_value_heads = 4;
  int64_t max_position_embeddings = 256;
  double rms_norm_eps = 1e-5;
  double rope_theta = 10000.0;

  int64_t head_dim() const { return hidden_size / num_attention_heads; }
  nlohmann::json to_json() const;
  static LlamaConfig from_json(const nlohmann::json& j);  // j validated by the schema
};

const Schema& llama_config_schema();

// Cross-field rules (heads divide the width, even head_dim for RoPE, ...).
void check_llama_config(const LlamaConfig& c, const JsonLocation& where);

}  // namespace tb
