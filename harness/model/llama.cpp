#include "harness/model/llama.h"

#include "harness/model/block_checkpoint.h"
#include "harness/model/causal_attention.h"
#include "harness/model/compute_precision.h"
#include "kernels/rms_norm.h"
#include "kernels/rotary_embedding.h"

namespace tb {

namespace F = torch::nn::functional;

namespace {

// `block` on h with gradient checkpointing (harness/model/block_checkpoint.h): only h is
// kept, and the block runs again in the backward pass for its gradients.
torch::Tensor recomputed_in_backward(const std::shared_ptr<LlamaDecoderLayerImpl>& block, const torch::Tensor& h,
                                     const RotaryTables& rope, int64_t start, torch::ScalarType compute_dtype) {
  std::vector<torch::Tensor> trained;
  for (const auto& p : block->parameters()) {
    if (p.requires_grad()) trained.push_back(p);
  }
  auto run_block = [block, rope, start](const torch::Tensor& x) { return block->forward(x, rope, start, nullptr, nullptr); };
  return checkpointed_block(run_block, h, trained, compute_dtype);
}

}  // namespace

RMSNormImpl::RMSNormImpl(int64_t dim, double eps_) : eps(eps_) {
  weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = kernels::fused_rms_norm(x, weight, eps);
  for (auto& [name, adapter] : adapters_) y = adapter->adapt(x, y);
  return y;
}

void RMSNormImpl::add_adapter(const std::string& name, std::shared_ptr<OutputAdapter> adapter) {
  adapter->to(weight.device());
  register_module(name, adapter);
  adapters_.emplace_back(name, std::move(adapter));
}

void RMSNormImpl::remove_adapters() {
  for (auto& [name, adapter] : adapters_) unregister_module(name);
  adapters_.clear();
}

TokenEmbeddingImpl::TokenEmbeddingImpl(int64_t vocab_size, int64_t dim, WeightInit init) {
  weight = register_parameter("weight", torch::empty({vocab_size, dim}));
  if (init == WeightInit::kRandom) {
    torch::NoGradGuard no_grad;
    weight.normal_();  // nn.Embedding's default
  }
}

torch::Tensor TokenEmbeddingImpl::forward(const torch::Tensor& ids) {
  return F::embedding(ids, weight);
}

LlamaAttentionImpl::LlamaAttentionImpl(const LlamaConfig& c, WeightInit init)
    : heads_(c.num_attention_heads), kv_heads_(c.num_key_value_heads), head_dim_(c.head_dim()) {
  const int64_t d = c.hidden_size, q = heads_ * head_dim_, kv = kv_heads_ * head_dim_;
  auto bias = [&](const char* leaf) { return projection_has_bias(c, leaf); };
  q_proj = register_module("q_proj", AdaptedLinear(d, q, bias("q_proj"), init));
  k_proj = register_module("k_proj", AdaptedLinear(d, kv, bias("k_proj"), init));
  v_proj = register_module("v_proj", AdaptedLinear(d, kv, bias("v_proj"), init));
  o_proj = register_module("o_proj", AdaptedLinear(q, d, bias("o_proj"), init));
  if (c.qk_norm) {
    q_norm = register_module("q_norm", RMSNorm(head_dim_, c.rms_norm_eps));
    k_norm = register_module("k_norm", RMSNorm(head_dim_, c.rms_norm_eps));
  }
}

torch::Tensor LlamaAttentionImpl::forward(const torch::Tensor& x, const RotaryTables& rope,
                                          int64_t start, torch::Tensor* cached_k,
                                          torch::Tensor* cached_v) {
  const int64_t b = x.size(0), t = x.size(1);
  auto q = q_proj(x).view({b, t, heads_, head_dim_});
  auto k = k_proj(x).view({b, t, kv_heads_, head_dim_});
  if (q_norm) {  // Qwen3: each head's query and key normalised before RoPE
    q = q_norm(q);
    k = k_norm(k);
  }
  std::tie(q, k) = kernels::rotary_qk(q, k, rope.cos, rope.sin);
  q = q.transpose(1, 2);  // (B, H, T, D)
  k = k.transpose(1, 2);  // (B, Hkv, T, D)
  auto v = v_proj(x).view({b, t, kv_heads_, head_dim_}).transpose(1, 2);
  if (cached_k != nullptr) {
    if (cached_k->defined()) {
      k = torch::cat({*cached_k, k}, 2);
      v = torch::cat({*cached_v, v}, 2);
    }
    *cached_k = k;
    *cached_v = v;
  }
  if (kv_heads_ != heads_) {  // grouped-query attention: each KV head serves heads/kv_heads queries
    k = k.repeat_interleave(heads_ / kv_heads_, 1);
    v = v.repeat_interleave(heads_ / kv_heads_, 1);
  }
  const bool shifted = is_training() && shifted_sparse_groups > 1 && cached_k == nullptr && start == 0;
  auto attended = shifted ? shifted_sparse_attention(q, k, v, shifted_sparse_groups) : causal_attention(q, k, v, start);
  auto out = attended.transpose(1, 2).reshape({b, t, heads_ * head_dim_});
  return o_proj(out);
}

LlamaMLPImpl::LlamaMLPImpl(const LlamaConfig& c, WeightInit init) {
  const int64_t d = c.hidden_size, f = c.intermediate_size;
  gate_proj = register_module("gate_proj", AdaptedLinear(d, f, c.mlp_bias, init));
  up_proj = register_module("up_proj", AdaptedLinear(d, f, c.mlp_bias, init));
  down_proj = register_module("down_proj", AdaptedLinear(f, d, c.mlp_bias, init));
}

torch::Tensor LlamaMLPImpl::forward(const torch::Tensor& x) {
  return down_proj(F::silu(gate_proj(x)) * up_proj(x));
}

LlamaDecoderLayerImpl::LlamaDecoderLayerImpl(const LlamaConfig& c, WeightInit init) {
  self_attn = register_module("self_attn", LlamaAttention(c, init));
  mlp = register_module("mlp", LlamaMLP(c, init));
  input_layernorm = register_module("input_layernorm", RMSNorm(c.hidden_size, c.rms_norm_eps));
  post_attention_layernorm =
      register_module("post_attention_layernorm", RMSNorm(c.hidden_size, c.rms_norm_eps));
}

torch::Tensor LlamaDecoderLayerImpl::forward(const torch::Tensor& x, const RotaryTables& rope,
                                             int64_t start, torch::Tensor* cached_k,
                                             torch::Tensor* cached_v) {
  auto h = x + self_attn(input_layernorm(x), rope, start, cached_k, cached_v);
  return h + mlp(post_attention_layernorm(h));
}

LlamaModelImpl::LlamaModelImpl(const LlamaConfig& c, WeightInit init)
    : sliding_window_(c.sliding_window) {
  reset_rotary(c);
  embed_tokens = register_module("embed_tokens", TokenEmbedding(c.vocab_size, c.hidden_size, init));
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    blocks.emplace_back(c, init);
    layers->push_back(blocks.back());
  }
  norm = register_module("norm", RMSNorm(c.hidden_size, c.rms_norm_eps));
  if (c.num_virtual_tokens > 0)
    add_virtual_tokens(torch::zeros({c.num_virtual_tokens, c.hidden_size}));
}

void LlamaModelImpl::add_virtual_tokens(const torch::Tensor& embeddings) {
  TORCH_CHECK(!virtual_tokens.defined(), "the model already has virtual tokens");
  virtual_tokens = register_parameter("prompt_embeddings", embeddings.to(embed_tokens->weight.device()));
}

// The tables every forward pass reads from; for dynamic NTK the unscaled ones, which hold
// up to its original length (rotary_for computes longer sequences' own).
void LlamaModelImpl::reset_rotary(const LlamaConfig& c) {
  config_ = c;
  LlamaConfig unscaled = c;
  if (c.rope_scaling.type == "dynamic") unscaled.rope_scaling = RopeScaling{};
  const torch::Device device = embed_tokens ? embed_tokens->weight.device() : torch::Device(torch::kCPU);
  RotaryEmbedding tables(unscaled, c.max_position_embeddings, device);
  if (rotary_emb_) {
    rotary_emb_ = replace_module(kRotaryEmbeddingName, tables);
  } else {
    rotary_emb_ = register_module(kRotaryEmbeddingName, tables);
  }
}

// Dynamic NTK's frequencies depend on the sequence's length once it passes the original
// context (transformers recomputes them per forward pass the same way).
RotaryTables LlamaModelImpl::rotary_for(int64_t length) const {
  const RopeScaling& r = config_.rope_scaling;
  if (r.type == "dynamic" && length > r.original_max_position_embeddings) {
    const RotaryTables t = make_rotary_tables(config_, length);
    return {t.cos.to(rotary_emb_->cos.device()), t.sin.to(rotary_emb_->sin.device())};
  }
  return rotary_emb_->tables();
}

torch::Tensor LlamaModelImpl::forward(const torch::Tensor& input_ids_anywhere, KVCache* cache,
                                      const torch::Tensor& position_ids_anywhere) {
  const torch::Device device = embed_tokens->weight.device();
  const torch::Tensor input_ids = input_ids_anywhere.to(device);
  const torch::Tensor position_ids =
      position_ids_anywhere.defined() ? position_ids_anywhere.to(device) : position_ids_anywhere;
  const ComputePrecisionGuard precision(compute_dtype, device.type());
  const int64_t start = cache != nullptr ? cache->length : 0;
  // The virtual tokens precede every sequence: they are prepended when it starts.
  const int64_t prefix = (virtual_tokens.defined() && start == 0) ? virtual_tokens.size(0) : 0;
  const int64_t length = start + prefix + input_ids.size(1);
  TORCH_CHECK(length <= rotary_emb_->cos.size(0), "sequence of ", length, " tokens (", prefix,
              " of them virtual) exceeds max_position_embeddings ", rotary_emb_->cos.size(0));
  // Mistral attends to the last sliding_window keys only; full attention equals that
  // exactly while the whole sequence fits in the window.
  TORCH_CHECK(sliding_window_ == 0 || length <= sliding_window_, "sequence of ", length,
              " tokens exceeds the model's sliding_window ", sliding_window_,
              ": sliding-window attention past the window is not implemented");
  if (cache != nullptr && cache->keys.empty()) {
    cache->keys.resize(blocks.size());
    cache->values.resize(blocks.size());
  }
  TORCH_CHECK(!position_ids.defined() || (prefix == 0 && cache == nullptr),
              "position ids are for training batches: no cache, no virtual tokens");
  const int64_t span = position_ids.defined() ? position_ids.max().item<int64_t>() + 1 : length;
  TORCH_CHECK(span <= rotary_emb_->cos.size(0), "position ", span - 1, " exceeds max_position_embeddings ",
              rotary_emb_->cos.size(0));
  const RotaryTables rope = rotary_slice(rotary_for(span), start, prefix + input_ids.size(1), position_ids);
  auto h = embed_tokens(input_ids);  // (B, T, C)
  if (prefix > 0)
    h = torch::cat({virtual_tokens.unsqueeze(0).expand({h.size(0), prefix, h.size(2)}), h}, 1);
  const bool recompute = gradient_checkpointing && is_training() && torch::GradMode::is_enabled() && cache == nullptr;
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (recompute) {
      h = recomputed_in_backward(blocks[i].ptr(), h, rope, start, compute_dtype);
      continue;
    }
    h = blocks[i]->forward(h, rope, start, cache ? &cache->keys[i] : nullptr,
                           cache ? &cache->values[i] : nullptr);
  }
  if (cache != nullptr) cache->length = length;
  return norm(prefix > 0 ? h.narrow(1, prefix, input_ids.size(1)) : h);
}

LlamaForCausalLMImpl::LlamaForCausalLMImpl(const LlamaConfig& c, WeightInit init) : config(c) {
  model = register_module("model", LlamaModel(c, init));
  if (!c.tie_word_embeddings)
    lm_head = register_module("lm_head", AdaptedLinear(c.hidden_size, c.vocab_size, false, init));
  if (init == WeightInit::kEmpty) return;
  // Llama's initializer_range: N(0, 0.02) for embeddings and projections.
  torch::NoGradGuard no_grad;
  for (auto& p : named_parameters()) {
    const bool is_bias = p.key().size() > 5 && p.key().substr(p.key().size() - 5) == ".bias";
    if (p.key().find("norm") == std::string::npos && !is_bias) p.value().normal_(0.0, 0.02);
  }
}

void LlamaForCausalLMImpl::add_biases() {
  for (auto& [name, proj] : projections()) proj->add_bias();
  config.attention_bias = true;
  config.mlp_bias = true;
}

void LlamaForCausalLMImpl::add_virtual_tokens(const torch::Tensor& embeddings) {
  model->add_virtual_tokens(embeddings);
  config.num_virtual_tokens = embeddings.size(0);
}

void LlamaForCausalLMImpl::set_rope(const RopeScaling& scaling, int64_t max_position_embeddings) {
  config.rope_scaling = scaling;
  config.max_position_embeddings = max_position_embeddings;
  model->reset_rotary(config);
}

torch::Tensor LlamaForCausalLMImpl::forward(const torch::Tensor& input_ids, KVCache* cache,
                                            const torch::Tensor& position_ids) {
  auto hidden = model->forward(input_ids, cache, position_ids);
  const ComputePrecisionGuard precision(model->compute_dtype, hidden.device().type());
  return lm_head ? lm_head(hidden) : F::linear(hidden, model->embed_tokens->weight);
}

torch::Tensor LlamaForCausalLMImpl::plain_head_weight() {
  if (!lm_head) return model->embed_tokens->weight;
  return lm_head->has_adapters() || lm_head->bias.defined() ? torch::Tensor() : lm_head->weight;
}

std::vector<std::pair<std::string, AdaptedLinear>> LlamaForCausalLMImpl::projections() {
  std::vector<std::pair<std::string, AdaptedLinear>> out;
  for (const ProjectionInfo& p : projection_infos(config)) {
    auto& b = model->blocks[size_t(p.layer)];
    const std::string& l = p.leaf;
    AdaptedLinear proj = l == "q_proj"      ? b->self_attn->q_proj
                         : l == "k_proj"    ? b->self_attn->k_proj
                         : l == "v_proj"    ? b->self_attn->v_proj
                         : l == "o_proj"    ? b->self_attn->o_proj
                         : l == "gate_proj" ? b->mlp->gate_proj
                         : l == "up_proj"   ? b->mlp->up_proj
                                            : b->mlp->down_proj;
    out.emplace_back(p.name, proj);
  }
  return out;
}

torch::Tensor causal_lm_loss(const torch::Tensor& logits, const torch::Tensor& labels) {
  return F::cross_entropy(logits.reshape({-1, logits.size(-1)}).to(torch::kFloat32),
                          labels.reshape({-1}).to(logits.device()),
                          F::CrossEntropyFuncOptions().ignore_index(kIgnoreLabel));
}

}  // namespace tb
