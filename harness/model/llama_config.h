// Shape of a Llama-style decoder. Field names are those of a Hugging Face Llama
// config.json; the fields past the synthetic models' (explicit head_dim, RoPE scaling,
// tied embeddings, Qwen2's q/k/v biases, Qwen3's q/k norms, Mistral's sliding window)
// describe the checkpoint families hf_config.h reads.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/spec/schema.h"

namespace tb {

// rope_scaling in Hugging Face's form (transformers' modeling_rope_utils):
//   "linear"  position interpolation (Chen et al. 2023): every frequency / factor;
//   "dynamic" dynamic NTK: past original_max_position_embeddings the base grows with the
//             sequence length;
//   "yarn"    YaRN (Peng et al. 2023): a ramp between interpolation and extrapolation per
//             frequency band, and an attention temperature;
//   "llama3"  divides only the low frequencies, blending the middle band (Meta, Llama 3.1).
// original_max_position_embeddings is the context the model was trained at: the pivot of
// dynamic, yarn and llama3 (linear does not use it).
struct RopeScaling {
  std::string type;  // "": none, "linear", "dynamic", "yarn", "llama3"
  double factor = 1.0;
  double low_freq_factor = 1.0, high_freq_factor = 4.0;  // llama3 only
  int64_t original_max_position_embeddings = 8192;       // dynamic, yarn, llama3
  double beta_fast = 32.0, beta_slow = 1.0;              // yarn: the ramp's ends, in rotations
  double attention_factor = 0;                           // yarn: 0 means 0.1 ln(factor) + 1
  nlohmann::json to_json() const;
  static RopeScaling from_json(const nlohmann::json& j);  // to_json's form
  bool operator==(const RopeScaling&) const = default;
};
inline const std::vector<std::string> kRopeScalingTypes = {"linear", "dynamic", "yarn", "llama3"};

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
  // Hugging Face model_type of the family ("llama", "qwen2", "qwen3", "mistral"): only
  // export needs it; the flags below carry the differences.
  std::string model_type = "llama";
  int64_t explicit_head_dim = 0;  // config.json head_dim; 0: hidden_size / heads
  RopeScaling rope_scaling;
  bool tie_word_embeddings = false;  // lm_head is embed_tokens
  bool qkv_bias = false;             // Qwen2: biases on q, k and v only
  bool qk_norm = false;              // Qwen3: RMSNorm over head_dim on q and k
  int64_t sliding_window = 0;        // Mistral: attention span; 0: unlimited

  int64_t head_dim() const {
    return explicit_head_dim > 0 ? explicit_head_dim : hidden_size / num_attention_heads;
  }
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
// Whether the projection `leaf` ("q_proj") carries a bias under c's flags.
bool projection_has_bias(const LlamaConfig& c, const std::string& leaf);
inline const std::vector<std::string> kProjectionLeaves = {
    "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};


// The largest base model a spec may ask for: this CPU build trains models of well under
// 10M parameters, and a billion already needs 16 GB for weights, gradients and AdamW state.
inline constexpr int64_t kMaxParameters = 1'000'000'000;

// Cross-field rules (heads divide the width, even head_dim for RoPE, ...) and the size
// limit kMaxParameters.
void check_llama_config(const LlamaConfig& c, const JsonLocation& where);

}  // namespace tb
