#include "harness/model/llama_config.h"

namespace tb {

nlohmann::json LlamaConfig::to_json() const {
  nlohmann::json j = {{"vocab_size", vocab_size},
                      {"hidden_size", hidden_size},
                      {"intermediate_size", intermediate_size},
                      {"num_hidden_layers", num_hidden_layers},
                      {"num_attention_heads", num_attention_heads},
                      {"num_key_value_heads", num_key_value_heads},
                      {"max_position_embeddings", max_position_embeddings},
                      {"rms_norm_eps", rms_norm_eps},
                      {"rope_theta", rope_theta}};
  // Written only when set, so a base model's config (and every key hashed from it)
  // stays as it was before tuned models could carry biases or a prompt.
  if (attention_bias) j["attention_bias"] = true;
  if (mlp_bias) j["mlp_bias"] = true;
  if (num_virtual_tokens > 0) j["num_virtual_tokens"] = num_virtual_tokens;
  if (model_type != "llama") j["model_type"] = model_type;
  if (explicit_head_dim > 0) j["head_dim"] = explicit_head_dim;
  if (!rope_scaling.type.empty()) j["rope_scaling"] = rope_scaling.to_json();
  if (tie_word_embeddings) j["tie_word_embeddings"] = true;
  if (qkv_bias) j["qkv_bias"] = true;
  if (qk_norm) j["qk_norm"] = true;
  if (sliding_window > 0) j["sliding_window"] = sliding_window;
  return j;
}

nlohmann::json RopeScaling::to_json() const {
  nlohmann::json j = {{"rope_type", type}, {"factor", factor}};
  if (type == "llama3") {
    j["low_freq_factor"] = low_freq_factor;
    j["high_freq_factor"] = high_freq_factor;
  }
  if (type != "linear") j["original_max_position_embeddings"] = original_max_position_embeddings;
  if (type == "yarn") {
    j["beta_fast"] = beta_fast;
    j["beta_slow"] = beta_slow;
    if (attention_factor > 0) j["attention_factor"] = attention_factor;
  }
  return j;
}

RopeScaling RopeScaling::from_json(const nlohmann::json& j) {
  RopeScaling r;
  r.type = j.at("rope_type").get<std::string>();
  r.factor = j.at("factor").get<double>();
  r.low_freq_factor = j.value("low_freq_factor", r.low_freq_factor);
  r.high_freq_factor = j.value("high_freq_factor", r.high_freq_factor);
  r.original_max_position_embeddings =
      j.value("original_max_position_embeddings", r.original_max_position_embeddings);
  r.beta_fast = j.value("beta_fast", r.beta_fast);
  r.beta_slow = j.value("beta_slow", r.beta_slow);
  r.attention_factor = j.value("attention_factor", r.attention_factor);
  return r;
}

LlamaConfig LlamaConfig::from_json(const nlohmann::json& j) {
  LlamaConfig c;
  c.vocab_size = j.at("vocab_size").get<int64_t>();
  c.hidden_size = j.at("hidden_size").get<int64_t>();
  c.intermediate_size = j.at("intermediate_size").get<int64_t>();
  c.num_hidden_layers = j.at("num_hidden_layers").get<int64_t>();
  c.num_attention_heads = j.at("num_attention_heads").get<int64_t>();
  c.num_key_value_heads = j.at("num_key_value_heads").get<int64_t>();
  c.max_position_embeddings = j.at("max_position_embeddings").get<int64_t>();
  c.rms_norm_eps = j.at("rms_norm_eps").get<double>();
  c.rope_theta = j.at("rope_theta").get<double>();
  c.attention_bias = j.value("attention_bias", false);
  c.mlp_bias = j.value("mlp_bias", false);
  c.num_virtual_tokens = j.value("num_virtual_tokens", int64_t{0});
  c.model_type = j.value("model_type", std::string("llama"));
  c.explicit_head_dim = j.value("head_dim", int64_t{0});
  if (j.contains("rope_scaling")) c.rope_scaling = RopeScaling::from_json(j.at("rope_scaling"));
  c.tie_word_embeddings = j.value("tie_word_embeddings", false);
  c.qkv_bias = j.value("qkv_bias", false);
  c.qk_norm = j.value("qk_norm", false);
  c.sliding_window = j.value("sliding_window", int64_t{0});
  return c;
}

const Schema& llama_config_schema() {
  static const Schema schema = {
      {.name = "vocab_size",
       .type = FieldType::kInt,
       .default_value = 259,
       .min = 259,
       .max = 262144,
       .help = "vocabulary size; at least the byte tokenizer's 259"},
      // Each size is bounded, and their product by kMaxParameters (check_llama_config).
      {.name = "hidden_size",
       .type = FieldType::kInt,
       .default_value = 128,
       .min = 8,
       .max = 16384},
      {.name = "intermediate_size",
       .type = FieldType::kInt,
       .default_value = 344,
       .min = 1,
       .max = 65536},
      {.name = "num_hidden_layers",
       .type = FieldType::kInt,
       .default_value = 4,
       .min = 1,
       .max = 256},
      {.name = "num_attention_heads",
       .type = FieldType::kInt,
       .default_value = 4,
       .min = 1,
       .max = 256},
      {.name = "num_key_value_heads",
       .type = FieldType::kInt,
       .default_value = 4,
       .min = 1,
       .max = 256},
      {.name = "max_position_embeddings",
       .type = FieldType::kInt,
       .default_value = 256,
       .min = 8,
       .max = kMaxTokens},
      {.name = "rms_norm_eps",
       .type = FieldType::kNumber,
       .default_value = 1e-5,
       .min = 0,
       .min_exclusive = true},
      {.name = "rope_theta",
       .type = FieldType::kNumber,
       .default_value = 10000.0,
       .min = 0,
       .min_exclusive = true},
  };
  return schema;
}

std::vector<ProjectionInfo> projection_infos(const LlamaConfig& c) {
  const int64_t d = c.hidden_size, q = c.num_attention_heads * c.head_dim(),
                kv = c.num_key_value_heads * c.head_dim();
  const int64_t f = c.intermediate_size;
  std::vector<ProjectionInfo> out;
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    const std::string prefix = "model.layers." + std::to_string(i) + ".";
    out.push_back({prefix + "self_attn.q_proj", "q_proj", i, q, d});
    out.push_back({prefix + "self_attn.k_proj", "k_proj", i, kv, d});
    out.push_back({prefix + "self_attn.v_proj", "v_proj", i, kv, d});
    out.push_back({prefix + "self_attn.o_proj", "o_proj", i, d, q});
    out.push_back({prefix + "mlp.gate_proj", "gate_proj", i, f, d});
    out.push_back({prefix + "mlp.up_proj", "up_proj", i, f, d});
    out.push_back({prefix + "mlp.down_proj", "down_proj", i, d, f});
  }
  return out;
}

bool projection_has_bias(const LlamaConfig& c, const std::string& leaf) {
  if (leaf == "q_proj" || leaf == "k_proj" || leaf == "v_proj")
    return c.attention_bias || c.qkv_bias;
  return leaf == "o_proj" ? c.attention_bias : c.mlp_bias;
}

int64_t parameter_count(const LlamaConfig& c) {
  // Embeddings and the head unless tied, the final norm, two norms per block (and q/k
  // norms), virtual tokens.
  int64_t n = (c.tie_word_embeddings ? 1 : 2) * c.vocab_size * c.hidden_size + c.hidden_size +
              c.num_hidden_layers * (2 * c.hidden_size + (c.qk_norm ? 2 * c.head_dim() : 0)) +
              c.num_virtual_tokens * c.hidden_size;
  for (const auto& p : projection_infos(c))
    n += p.out * p.in + (projection_has_bias(c, p.leaf) ? p.out : 0);
  return n;
}

void check_llama_config(const LlamaConfig& c, const JsonLocation& where) {
  if (parameter_count(c) > kMaxParameters) {
    where.fail("a model of " + std::to_string(parameter_count(c)) +
               " parameters; expected at most " + std::to_string(kMaxParameters) +
               " on this CPU build (lower hidden_size, intermediate_size or num_hidden_layers)");
  }
  if (c.explicit_head_dim == 0 && c.hidden_size % c.num_attention_heads != 0) {
    where.key("num_attention_heads")
        .fail("must divide hidden_size (" + std::to_string(c.hidden_size) + ")");
  }
  if (c.num_attention_heads % c.num_key_value_heads != 0) {
    where.key("num_key_value_heads")
        .fail("must divide num_attention_heads (" + std::to_string(c.num_attention_heads) + ")");
  }
  if (c.head_dim() % 2 != 0) {
    where.key("num_attention_heads")
        .fail("hidden_size / num_attention_heads must be even for RoPE");
  }
}

}  // namespace tb
