// Shape of a Llama-style decoder. Field names are those of a Hugging Face Llama
// config.json, so a real checkpoint's config reads directly.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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
  // Hugging Face's flags for biases on the attention (q, k, v, o) and MLP projections.
  // Base models are bias-free; methods that add biases (BitFit, SSF's merged shifts)
  // set them, so a tuned model saves and loads with its biases.
  bool attention_bias = false;
  bool mlp_bias = false;
  // Prompt tuning's learned virtual tokens, kept with the model (0: none). Not a
  // Hugging Face field: PEFT stores the prompt beside the checkpoint.
  int64_t num_virtual_tokens = 0;

  int64_t head_dim() const { return hidden_size / num_attention_heads; }
  nlohmann::json to_json() const;
  static LlamaConfig from_json(const nlohmann::json& j);  // j validated by the schema
};

// The spec's architecture section. The bias flags and virtual tokens are not in it:
// they describe tuned models, not base models.
const Schema& llama_config_schema();

// The projections of the blocks, in model order, with their full names
// ("model.layers.0.self_attn.q_proj") and shapes (out, in). Free of LibTorch so that
// spec validation can resolve target modules.
struct ProjectionInfo {
  std::string name;
  std::string leaf;  // "q_proj"
  int64_t layer, out, in;
};
std::vector<ProjectionInfo> projection_infos(const LlamaConfig& c);
// Every parameter of LlamaForCausalLM(c): embeddings, lm_head, norms, projections and any
// biases and virtual tokens the config declares.
int64_t parameter_count(const LlamaConfig& c);
inline const std::vector<std::string> kProjectionLeaves = {
    "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};


// The largest base model a spec may ask for: this CPU build trains models of well under
// 10M parameters, and a billion already needs 16 GB for weights, gradients and AdamW state.
inline constexpr int64_t kMaxParameters = 1'000'000'000;

// Cross-field rules (heads divide the width, even head_dim for RoPE, ...) and the size
// limit kMaxParameters.
void check_llama_config(const LlamaConfig& c, const JsonLocation& where);

}  // namespace tb
