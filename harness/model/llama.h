// Llama-style decoder-only transformer (Touvron et al. 2023): token embedding, N blocks
// of (RMSNorm, causal self-attention with RoPE and optional grouped KV heads, RMSNorm,
// SwiGLU MLP), final RMSNorm, LM head. Parameter names are exactly those of Hugging Face
// Llama checkpoints: model.embed_tokens.weight, model.layers.{i}.self_attn.q_proj.weight,
// model.layers.{i}.mlp.gate_proj.weight, model.norm.weight, lm_head.weight, ...
// The config's flags give the Qwen2 (q/k/v biases), Qwen3 (self_attn.q_norm / k_norm over
// each head) and Mistral (sliding window) variants of transformers' modeling code; with
// tie_word_embeddings there is no lm_head.weight and the head multiplies by the embeddings.
#pragma once
#include <torch/torch.h>

#include <vector>

#include "harness/model/adapted_linear.h"
#include "harness/model/llama_config.h"
#include "harness/model/rotary.h"

namespace tb {

// Keys and values of every layer for the tokens seen so far: (B, kv_heads, S, head_dim).
struct KVCache {
  std::vector<torch::Tensor> keys, values;
  int64_t length = 0;
};

class RMSNormImpl : public torch::nn::Module {
 public:
  RMSNormImpl(int64_t dim, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  // Output adapters (SSF's scale and shift); the method that adds them folds them.
  void add_adapter(const std::string& name, std::shared_ptr<OutputAdapter> adapter);
  void remove_adapters();
  torch::Tensor weight;
  double eps;

 private:
  std::vector<std::pair<std::string, std::shared_ptr<OutputAdapter>>> adapters_;
};
TORCH_MODULE(RMSNorm);

// The token embedding table, registered as "weight" (nn.Embedding's name).
class TokenEmbeddingImpl : public torch::nn::Module {
 public:
  TokenEmbeddingImpl(int64_t vocab_size, int64_t dim, WeightInit init);
  torch::Tensor forward(const torch::Tensor& ids);
  torch::Tensor weight;  // (vocab, dim)
};
TORCH_MODULE(TokenEmbedding);

class LlamaAttentionImpl : public torch::nn::Module {
 public:
  LlamaAttentionImpl(const LlamaConfig& c, WeightInit init);
  // x: (B, T, C); the first query sits at position `start`, rope holds x's positions.
  // With a cache, appends this step's K/V.
  torch::Tensor forward(const torch::Tensor& x, const RotaryTables& rope, int64_t start,
                        torch::Tensor* cached_k, torch::Tensor* cached_v);
  AdaptedLinear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};
  RMSNorm q_norm{nullptr}, k_norm{nullptr};  // Qwen3 only
  // LongLoRA's shifted sparse attention in training mode (harness/model/causal_attention.h):
  // the number of groups a training sequence is split into; 0 or 1: full attention.
  int64_t shifted_sparse_groups = 0;

 private:
  int64_t heads_, kv_heads_, head_dim_;
};
TORCH_MODULE(LlamaAttention);

class LlamaMLPImpl : public torch::nn::Module {
 public:
  LlamaMLPImpl(const LlamaConfig& c, WeightInit init);
  torch::Tensor forward(const torch::Tensor& x);  // down(silu(gate(x)) * up(x))
  AdaptedLinear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
};
TORCH_MODULE(LlamaMLP);

class LlamaDecoderLayerImpl : public torch::nn::Module {
 public:
  LlamaDecoderLayerImpl(const LlamaConfig& c, WeightInit init);
  torch::Tensor forward(const torch::Tensor& x, const RotaryTables& rope, int64_t start,
                        torch::Tensor* cached_k, torch::Tensor* cached_v);
  RMSNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
  LlamaAttention self_attn{nullptr};
  LlamaMLP mlp{nullptr};
};
TORCH_MODULE(LlamaDecoderLayer);

class LlamaModelImpl : public torch::nn::Module {
 public:
  LlamaModelImpl(const LlamaConfig& c, WeightInit init);
  // -> hidden (B, T, C). Virtual tokens, if any, are prepended at the start of every
  // sequence (they take positions and cache entries) and not returned. position_ids (B, T):
  // each token's RoPE position (PoSE's skipped positions) instead of 0, 1, ..., T - 1;
  // without cache or virtual tokens only.
  torch::Tensor forward(const torch::Tensor& input_ids, KVCache* cache,
                        const torch::Tensor& position_ids = {});
  // Recomputes the RoPE tables for c's rope_theta and rope_scaling.
  void reset_rotary(const LlamaConfig& c);
  // Registers learned virtual-token embeddings (n, C) as "prompt_embeddings".
  void add_virtual_tokens(const torch::Tensor& embeddings);
  TokenEmbedding embed_tokens{nullptr};
  torch::Tensor virtual_tokens;  // (n, C) or undefined
  // Training settings (harness/model/block_checkpoint.h, harness/model/compute_precision.h):
  // recompute each block in the backward pass; the precision of the matrix products.
  bool gradient_checkpointing = false;
  torch::ScalarType compute_dtype = torch::kFloat32;
  torch::nn::ModuleList layers{nullptr};
  RMSNorm norm{nullptr};
  std::vector<LlamaDecoderLayer> blocks;  // typed views of `layers`

 private:
  RotaryTables rotary_for(int64_t length) const;
  LlamaConfig config_;  // the shape and RoPE settings the tables follow
  RotaryEmbedding rotary_emb_{nullptr};  // positions [0, max_position_embeddings)
  int64_t sliding_window_;
};
TORCH_MODULE(LlamaModel);

class LlamaForCausalLMImpl : public torch::nn::Module {
 public:
  // kRandom: Llama's initializer_range N(0, 0.02) for embeddings and projections, norms 1.
  // kEmpty: uninitialised, for loading a checkpoint into.
  explicit LlamaForCausalLMImpl(const LlamaConfig& c, WeightInit init = WeightInit::kRandom);
  // input_ids: (B, T) int64 -> logits (B, T, vocab) on the model's device. With a cache,
  // positions continue from cache->length and the cache is extended.
  torch::Tensor forward(const torch::Tensor& input_ids, KVCache* cache = nullptr,
                        const torch::Tensor& position_ids = {});
  // The LM head's weight (V, C) when the head is a plain product with it (no adapters, no
  // bias), so that the loss can be fused with it; undefined otherwise.
  torch::Tensor plain_head_weight();
  torch::Device device() const { return model->embed_tokens->weight.device(); }
  // Sets the config's rope_scaling (and max_position_embeddings) and the RoPE tables.
  void set_rope(const RopeScaling& scaling, int64_t max_position_embeddings);
  // Every projection of the blocks with its full name ("model.layers.0.self_attn.q_proj").
  std::vector<std::pair<std::string, AdaptedLinear>> projections();
  // Adds zero biases to every projection and sets the config's bias flags.
  void add_biases();
  // Prompt tuning: prepends learned embeddings (n, C) to every sequence.
  void add_virtual_tokens(const torch::Tensor& embeddings);

  LlamaConfig config;
  LlamaModel model{nullptr};
  AdaptedLinear lm_head{nullptr};  // null when tie_word_embeddings
};
TORCH_MODULE(LlamaForCausalLM);

// Mean token cross-entropy of next-token prediction; labels == -100 are ignored.
// logits: (B, T, V); labels: (B, T).
torch::Tensor causal_lm_loss(const torch::Tensor& logits, const torch::Tensor& labels);

inline constexpr int64_t kIgnoreLabel = -100;

}  // namespace tb
