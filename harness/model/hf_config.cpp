#include "harness/model/hf_config.h"

#include <algorithm>
#include <cmath>

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/spec/schema.h"

namespace tb {
namespace {

struct Family {
  const char* architecture;
  const char* model_type;
};
constexpr Family kFamilies[] = {{"LlamaForCausalLM", "llama"},
                                {"Qwen2ForCausalLM", "qwen2"},
                                {"Qwen3ForCausalLM", "qwen3"},
                                {"MistralForCausalLM", "mistral"}};

std::string supported_list() {
  std::string out;
  for (const auto& f : kFamilies) out += (out.empty() ? "" : ", ") + std::string(f.architecture);
  return out;
}

// The family's model_type, from "architectures"[0] or else "model_type".
std::string model_type_of(const nlohmann::json& j, const JsonLocation& at) {
  if (j.contains("architectures") && j["architectures"].is_array() && !j["architectures"].empty()) {
    const auto& name = j["architectures"][0];
    for (const auto& f : kFamilies)
      if (name == f.architecture) return f.model_type;
    at.key("architectures").index(0).fail(describe_json(name) + " is not supported; expected one of " +
                                          supported_list());
  }
  if (j.contains("model_type")) {
    for (const auto& f : kFamilies)
      if (j["model_type"] == f.model_type) return f.model_type;
    at.key("model_type").fail(describe_json(j["model_type"]) + " is not supported; expected one of " +
                              supported_list());
  }
  at.fail("no \"architectures\" or \"model_type\"; expected one of " + supported_list());
}

int64_t positive_int(const nlohmann::json& j, const std::string& key, const JsonLocation& at) {
  if (!j.contains(key)) at.key(key).fail("missing; expected a positive integer");
  if (!j[key].is_number_integer() || j[key].get<int64_t>() <= 0)
    at.key(key).fail(describe_json(j[key]) + "; expected a positive integer");
  return j[key].get<int64_t>();
}

int64_t optional_int(const nlohmann::json& j, const std::string& key, int64_t absent, const JsonLocation& at) {
  return j.contains(key) && !j[key].is_null() ? positive_int(j, key, at) : absent;
}

double positive_number(const nlohmann::json& j, const std::string& key, double absent, const JsonLocation& at) {
  if (!j.contains(key) || j[key].is_null()) return absent;
  if (!j[key].is_number() || j[key].get<double>() <= 0) at.key(key).fail(describe_json(j[key]) + "; expected a positive number");
  return j[key].get<double>();
}

bool flag(const nlohmann::json& j, const std::string& key, bool absent, const JsonLocation& at) {
  if (!j.contains(key) || j[key].is_null()) return absent;
  if (!j[key].is_boolean()) at.key(key).fail(describe_json(j[key]) + "; expected true or false");
  return j[key].get<bool>();
}

// rope_scaling (v4) or rope_parameters (v5): "default", "linear", "dynamic", "yarn" or
// "llama3". transformers' dynamic NTK pivots on max_position_embeddings, and its YaRN reads
// the factor as max_position_embeddings / original_max_position_embeddings when the latter
// is given; both are made explicit here (`max_positions`: the config's).
RopeScaling rope_scaling_of(const nlohmann::json& r, int64_t max_positions, const JsonLocation& at) {
  RopeScaling s;
  if (r.is_null()) return s;
  if (!r.is_object()) at.fail(describe_json(r) + "; expected an object or null");
  const std::string type_key = r.contains("rope_type") ? "rope_type" : "type";
  const std::string type = r.value(type_key, std::string("default"));
  if (type == "default") return s;
  if (std::find(kRopeScalingTypes.begin(), kRopeScalingTypes.end(), type) == kRopeScalingTypes.end())
    at.key(type_key).fail("\"" + type + "\" is not supported; expected \"default\", \"linear\", \"dynamic\", "
                          "\"yarn\" or \"llama3\"");
  s.type = type;
  s.factor = positive_number(r, "factor", 0, at);
  if (s.factor == 0) at.key("factor").fail("missing; expected a positive number");
  if (type == "dynamic" || type == "yarn")
    s.original_max_position_embeddings = optional_int(r, "original_max_position_embeddings", max_positions, at);
  if (type == "llama3") {
    s.low_freq_factor = positive_number(r, "low_freq_factor", s.low_freq_factor, at);
    s.high_freq_factor = positive_number(r, "high_freq_factor", s.high_freq_factor, at);
    s.original_max_position_embeddings =
        optional_int(r, "original_max_position_embeddings", s.original_max_position_embeddings, at);
    if (s.high_freq_factor <= s.low_freq_factor) at.key("high_freq_factor").fail("must exceed low_freq_factor");
  }
  if (type == "yarn") {
    s.beta_fast = positive_number(r, "beta_fast", s.beta_fast, at);
    s.beta_slow = positive_number(r, "beta_slow", s.beta_slow, at);
    s.attention_factor = positive_number(r, "attention_factor", 0, at);
    for (const char* key : {"mscale", "mscale_all_dim"})
      if (r.contains(key) && !r[key].is_null() && r[key] != 0)
        at.key(key).fail("DeepSeek's YaRN attention scaling is not supported; expected it absent or 0");
    if (r.value("truncate", true) != true) at.key("truncate").fail("only truncate: true is supported");
    if (r.contains("original_max_position_embeddings"))
      s.factor = double(max_positions) / double(s.original_max_position_embeddings);
  }
  return s;
}

void read_rope(const nlohmann::json& j, LlamaConfig& c, const JsonLocation& at) {
  if (j.contains("rope_parameters") && j["rope_parameters"].is_object()) {  // transformers v5
    const auto& r = j["rope_parameters"];
    c.rope_theta = positive_number(r, "rope_theta", 10000.0, at.key("rope_parameters"));
    c.rope_scaling = rope_scaling_of(r, c.max_position_embeddings, at.key("rope_parameters"));
    return;
  }
  c.rope_theta = positive_number(j, "rope_theta", 10000.0, at);
  if (j.contains("rope_scaling"))
    c.rope_scaling = rope_scaling_of(j["rope_scaling"], c.max_position_embeddings, at.key("rope_scaling"));
}

// The max_position_embeddings that makes transformers read `c`'s scaling as tunebench
// does: dynamic NTK pivots on it, YaRN takes its factor from it; the others ignore it.
int64_t hf_max_position_embeddings(const LlamaConfig& c) {
  const RopeScaling& r = c.rope_scaling;
  if (r.type == "dynamic") return r.original_max_position_embeddings;
  if (r.type == "yarn") return int64_t(std::llround(r.factor * double(r.original_max_position_embeddings)));
  return c.max_position_embeddings;
}

// Sliding-window attention: Mistral's sliding_window (null: none); Qwen2/3 only with
// use_sliding_window.
int64_t sliding_window_of(const nlohmann::json& j, const std::string& type, const JsonLocation& at) {
  if (type == "mistral") return optional_int(j, "sliding_window", 0, at);
  if ((type == "qwen2" || type == "qwen3") && flag(j, "use_sliding_window", false, at))
    return optional_int(j, "sliding_window", 0, at);
  return 0;
}

}  // namespace

const std::vector<std::string>& supported_hf_architectures() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& f : kFamilies) out.emplace_back(f.architecture);
    return out;
  }();
  return names;
}

LlamaConfig hf_config_from_json(const nlohmann::json& j, const std::string& file) {
  const JsonLocation at(file);
  if (!j.is_object()) at.fail("expected a JSON object");
  LlamaConfig c;
  c.model_type = model_type_of(j, at);
  const std::string act = j.value("hidden_act", std::string("silu"));
  if (act != "silu") at.key("hidden_act").fail("\"" + act + "\" is not supported; expected \"silu\" (SwiGLU)");
  c.vocab_size = positive_int(j, "vocab_size", at);
  c.hidden_size = positive_int(j, "hidden_size", at);
  c.intermediate_size = positive_int(j, "intermediate_size", at);
  c.num_hidden_layers = positive_int(j, "num_hidden_layers", at);
  c.num_attention_heads = positive_int(j, "num_attention_heads", at);
  c.num_key_value_heads = optional_int(j, "num_key_value_heads", c.num_attention_heads, at);
  c.max_position_embeddings = positive_int(j, "max_position_embeddings", at);
  c.rms_norm_eps = positive_number(j, "rms_norm_eps", 1e-6, at);
  c.explicit_head_dim = optional_int(j, "head_dim", 0, at);
  read_rope(j, c, at);
  c.tie_word_embeddings = flag(j, "tie_word_embeddings", false, at);
  c.attention_bias = flag(j, "attention_bias", false, at) && c.model_type != "qwen2" && c.model_type != "mistral";
  c.mlp_bias = c.model_type == "llama" && flag(j, "mlp_bias", false, at);
  c.qkv_bias = c.model_type == "qwen2";
  c.qk_norm = c.model_type == "qwen3";
  c.sliding_window = sliding_window_of(j, c.model_type, at);
  if (c.explicit_head_dim == c.hidden_size / c.num_attention_heads &&
      c.hidden_size % c.num_attention_heads == 0)
    c.explicit_head_dim = 0;  // the default, stated
  if (c.num_attention_heads % c.num_key_value_heads != 0)
    at.key("num_key_value_heads").fail("must divide num_attention_heads (" + std::to_string(c.num_attention_heads) + ")");
  if (c.explicit_head_dim == 0 && c.hidden_size % c.num_attention_heads != 0)
    at.key("num_attention_heads").fail("must divide hidden_size when there is no head_dim");
  if (c.head_dim() % 2 != 0) at.key("head_dim").fail("the head dimension must be even for RoPE");
  return c;
}

LlamaConfig read_hf_config(const std::filesystem::path& folder) {
  const auto file = folder / "config.json";
  if (!std::filesystem::exists(file))
    throw UserError(folder.string() + ": no config.json; expected a Hugging Face model folder");
  const auto j = nlohmann::json::parse(read_file(file), nullptr, false);
  if (j.is_discarded()) throw UserError(file.string() + ": not valid JSON");
  return hf_config_from_json(j, file.string());
}

namespace {

// The transformers class that expresses c exactly.
const Family& export_family(const LlamaConfig& c) {
  if (c.num_virtual_tokens > 0)
    throw UserError("a prompt-tuned model keeps its virtual tokens beside the weights; no transformers "
                    "model class holds them (export the run's PEFT prompt-tuning adapter with --adapter)");
  auto family = [](const char* type) -> const Family& {
    for (const auto& f : kFamilies)
      if (std::string(f.model_type) == type) return f;
    throw std::logic_error("unknown family");
  };
  if (c.qk_norm) {
    if (c.mlp_bias) throw UserError("a Qwen3 model with MLP biases (BitFit, SSF) has no transformers class");
    return family("qwen3");
  }
  if (c.qkv_bias && !c.attention_bias && !c.mlp_bias) return family("qwen2");
  if (c.model_type == "mistral" && !c.attention_bias && !c.mlp_bias) return family("mistral");
  if (c.qkv_bias && !c.attention_bias)
    throw UserError("a Qwen2 model with MLP biases but no o_proj bias has no transformers class");
  return family("llama");
}

}  // namespace

nlohmann::ordered_json hf_config_json(const LlamaConfig& c, const std::string& torch_dtype,
                                      const nlohmann::json& token_ids) {
  const Family& f = export_family(c);
  const std::string type = f.model_type;
  nlohmann::ordered_json j = {{"architectures", {f.architecture}},
                              {"model_type", type},
                              {"hidden_act", "silu"},
                              {"vocab_size", c.vocab_size},
                              {"hidden_size", c.hidden_size},
                              {"intermediate_size", c.intermediate_size},
                              {"num_hidden_layers", c.num_hidden_layers},
                              {"num_attention_heads", c.num_attention_heads},
                              {"num_key_value_heads", c.num_key_value_heads},
                              {"head_dim", c.head_dim()},
                              {"max_position_embeddings", hf_max_position_embeddings(c)},
                              {"rms_norm_eps", c.rms_norm_eps},
                              {"rope_theta", c.rope_theta},
                              {"rope_scaling", nullptr},
                              {"tie_word_embeddings", c.tie_word_embeddings},
                              {"torch_dtype", torch_dtype},  // transformers 4.x's name
                              {"dtype", torch_dtype}};       // and 5.x's
  if (!c.rope_scaling.type.empty()) j["rope_scaling"] = c.rope_scaling.to_json();
  if (type == "llama") {
    j["attention_bias"] = c.attention_bias || c.qkv_bias;
    j["mlp_bias"] = c.mlp_bias;
  }
  if (type == "qwen3") j["attention_bias"] = c.attention_bias;
  if (type == "mistral" || type == "qwen2" || type == "qwen3") {
    j["sliding_window"] = c.sliding_window > 0 ? nlohmann::json(c.sliding_window) : nlohmann::json();
    if (type != "mistral") j["use_sliding_window"] = c.sliding_window > 0;
  }
  for (const auto& [k, v] : token_ids.items()) j[k] = v;
  return j;
}

}  // namespace tb
