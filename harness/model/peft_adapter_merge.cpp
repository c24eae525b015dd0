#include "harness/model/peft_adapter_merge.h"

#include <cmath>
#include <map>
#include <regex>

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/model/safetensors.h"

namespace tb {
namespace fs = std::filesystem;
namespace {

using Shape = std::vector<int64_t>;

// PEFT prefixes every key with the PeftModel's path to the transformers model.
const std::string kKeyPrefix = "base_model.model.";

// The adapter's tensors by projection name, then by kind ("lora_A", "ia3_l", ...).
struct AdapterLayout {
  std::string peft_type;
  nlohmann::json config;
  fs::path weights;
  std::map<std::string, std::map<std::string, Shape>> modules;
};

std::string shape_text(const Shape& s) { return c10::str(c10::IntArrayRef(s)); }

nlohmann::json read_adapter_config(const fs::path& folder) {
  const fs::path file = folder / "adapter_config.json";
  if (!fs::exists(file))
    throw UserError(folder.string() + ": no adapter_config.json; expected a PEFT adapter folder (save_pretrained)");
  const auto config = nlohmann::json::parse(read_file(file), nullptr, false);
  if (!config.is_object() || !config.value("peft_type", nlohmann::json()).is_string())
    throw UserError(file.string() + ": expected a JSON object with a string \"peft_type\"");
  return config;
}

// Options whose adapters change more than the projections' weights, refused by name.
void refuse_unsupported_options(const nlohmann::json& config, const fs::path& file) {
  const std::string type = config.at("peft_type").get<std::string>();
  if (type == "PROMPT_TUNING")
    throw UserError(file.string() + ": peft_type PROMPT_TUNING: a prompt-tuning adapter prepends learned "
                    "embeddings and cannot fold into the base weights; base_model.adapter takes LORA and IA3 adapters");
  if (type != "LORA" && type != "IA3")
    throw UserError(file.string() + ": peft_type " + type + " is not read; supported: LORA (LoRA, rsLoRA, DoRA), IA3");
  auto refuse = [&](const std::string& field, const std::string& why) {
    throw UserError(file.string() + ": " + field + ": " + why);
  };
  if (config.value("fan_in_fan_out", false)) refuse("fan_in_fan_out", "true is for GPT-2's Conv1D layers; Llama-style projections are (out, in)");
  const auto saved = config.value("modules_to_save", nlohmann::json());
  if (!saved.is_null() && !saved.empty()) refuse("modules_to_save", "full copies of modules are not read; expected null");
  if (type == "LORA") {
    if (config.value("bias", std::string("none")) != "none") refuse("bias", "LoRA bias training is not read; expected \"none\"");
    if (config.value("lora_bias", false)) refuse("lora_bias", "a bias on lora_B is not read; expected false");
    if (!config.value("layer_replication", nlohmann::json()).is_null()) refuse("layer_replication", "expected null");
  }
}

// "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight" -> {module, "lora_A"}.
std::pair<std::string, std::string> split_key(const std::string& key, const std::string& peft_type) {
  static const std::vector<std::pair<std::string, std::string>> lora = {
      {".lora_A.weight", "lora_A"}, {".lora_B.weight", "lora_B"}, {".lora_magnitude_vector", "lora_magnitude_vector"}};
  static const std::vector<std::pair<std::string, std::string>> ia3 = {{".ia3_l", "ia3_l"}};
  if (key.rfind(kKeyPrefix, 0) == 0) {
    const std::string rest = key.substr(kKeyPrefix.size());
    for (const auto& [suffix, kind] : peft_type == "LORA" ? lora : ia3) {
      if (rest.size() > suffix.size() && rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) == 0)
        return {rest.substr(0, rest.size() - suffix.size()), kind};
    }
  }
  return {"", ""};
}

void check_lora_module(const ProjectionInfo& p, const std::map<std::string, Shape>& kinds, bool dora,
                       const std::string& where) {
  if (!kinds.count("lora_A") || !kinds.count("lora_B"))
    throw UserError(where + ": " + p.name + " needs both lora_A.weight and lora_B.weight");
  const Shape a = kinds.at("lora_A"), b = kinds.at("lora_B");
  const int64_t r = a.size() == 2 ? a[0] : -1;
  if (r <= 0 || a[1] != p.in || b != Shape{p.out, r})
    throw UserError(where + ": " + p.name + ": lora_A " + shape_text(a) + " and lora_B " + shape_text(b) +
                    " do not fit the projection; expected [r, " + std::to_string(p.in) + "] and [" +
                    std::to_string(p.out) + ", r]");
  if (dora != (kinds.count("lora_magnitude_vector") > 0))
    throw UserError(where + ": " + p.name + (dora ? " has no lora_magnitude_vector, which use_dora needs"
                                                  : " has a lora_magnitude_vector but use_dora is false"));
  if (dora && kinds.at("lora_magnitude_vector") != Shape{p.out})
    throw UserError(where + ": " + p.name + ".lora_magnitude_vector is " + shape_text(kinds.at("lora_magnitude_vector")) +
                    "; expected [" + std::to_string(p.out) + "]");
}

void check_ia3_module(const ProjectionInfo& p, const std::map<std::string, Shape>& kinds, const std::string& where) {
  const Shape l = kinds.at("ia3_l");
  if (l != Shape{p.out, 1} && l != Shape{1, p.in})
    throw UserError(where + ": " + p.name + ".ia3_l is " + shape_text(l) + "; expected [" + std::to_string(p.out) +
                    ", 1] (output scaling) or [1, " + std::to_string(p.in) + "] (a feed-forward module's input)");
}

// PEFT's lookup of a per-module value: the pattern key equal to the module name, else
// the first whose regular expression matches the name's end after a dot.
std::optional<double> pattern_value(const nlohmann::json& patterns, const std::string& module) {
  if (!patterns.is_object()) return std::nullopt;
  if (patterns.contains(module)) return patterns.at(module).get<double>();
  for (const auto& [key, value] : patterns.items()) {
    if (std::regex_match(module, std::regex("(^|.*\\.)(" + key + ")"))) return value.get<double>();
  }
  return std::nullopt;
}

// The LoRA update's scale for `module` of rank r: lora_alpha (or its alpha_pattern entry)
// over r, or over sqrt(r) with use_rslora.
double lora_scale_of(const nlohmann::json& config, const std::string& module, int64_t rank) {
  const double alpha =
      pattern_value(config.value("alpha_pattern", nlohmann::json()), module).value_or(config.value("lora_alpha", 8.0));
  return config.value("use_rslora", false) ? alpha / std::sqrt(double(rank)) : alpha / double(rank);
}

AdapterLayout read_layout(const fs::path& folder, const LlamaConfig& c) {
  AdapterLayout out;
  out.config = read_adapter_config(folder);
  out.peft_type = out.config.at("peft_type").get<std::string>();
  refuse_unsupported_options(out.config, folder / "adapter_config.json");
  out.weights = folder / "adapter_model.safetensors";
  if (!fs::exists(out.weights))
    throw UserError(folder.string() + ": no adapter_model.safetensors (pickled adapter_model.bin files are not read; "
                    "save with safe_serialization=True)");
  std::map<std::string, ProjectionInfo> projections;
  for (const auto& p : projection_infos(c)) projections.emplace(p.name, p);
  const std::string where = out.weights.string();
  SafetensorsHeader header;
  try {
    header = read_safetensors_header(out.weights);
  } catch (const std::runtime_error& e) {  // malformed or truncated
    throw UserError(e.what());
  }
  for (const auto& entry : header.entries) {
    const auto [module, kind] = split_key(entry.name, out.peft_type);
    if (!projections.count(module))
      throw UserError(where + ": tensor " + entry.name + " is not a " + out.peft_type +
                      " tensor of one of the model's projections (expected " + kKeyPrefix +
                      "model.layers.N.self_attn.q_proj" + (out.peft_type == "LORA" ? ".lora_A.weight" : ".ia3_l") + " and the like)");
    out.modules[module][kind] = entry.shape;
  }
  if (out.modules.empty()) throw UserError(where + ": holds no adapter tensors");
  const bool dora = out.config.value("use_dora", false);
  for (const auto& [module, kinds] : out.modules) {
    if (out.peft_type != "LORA") {
      check_ia3_module(projections.at(module), kinds, where);
      continue;
    }
    check_lora_module(projections.at(module), kinds, dora, where);
    try {
      lora_scale_of(out.config, module, kinds.at("lora_A")[0]);
    } catch (const std::exception& e) {  // a non-number alpha or a malformed pattern
      throw UserError(folder.string() + "/adapter_config.json: lora_alpha, alpha_pattern: " + e.what());
    }
  }
  return out;
}

void merge_lora(AdaptedLinear& proj, const std::string& module, const AdapterLayout& layout, const TensorMap& tensors) {
  const std::string key = kKeyPrefix + module;
  const auto A = tensors.at(key + ".lora_A.weight").to(torch::kFloat32);
  const auto B = tensors.at(key + ".lora_B.weight").to(torch::kFloat32);
  const double scale = lora_scale_of(layout.config, module, A.size(0));
  auto& W = proj->weight;
  const auto updated = W + scale * B.mm(A);
  if (!tensors.count(key + ".lora_magnitude_vector")) {
    W.copy_(updated);
    return;
  }
  const auto m = tensors.at(key + ".lora_magnitude_vector").to(torch::kFloat32);
  W.copy_((m / updated.norm(2, {1})).unsqueeze(1) * updated);
}

void merge_ia3(AdaptedLinear& proj, const std::string& module, const TensorMap& tensors) {
  const auto l = tensors.at(kKeyPrefix + module + ".ia3_l").to(torch::kFloat32);
  proj->weight.mul_(l);  // (out, 1) scales rows, (1, in) columns
  if (l.size(1) == 1 && proj->bias.defined()) proj->bias.mul_(l.flatten());
}

}  // namespace

std::string check_peft_adapter(const fs::path& folder, const LlamaConfig& c) { return read_layout(folder, c).peft_type; }

void merge_peft_adapter(LlamaForCausalLM& model, const fs::path& folder) {
  const AdapterLayout layout = read_layout(folder, model->config);
  const TensorMap tensors = load_safetensors(layout.weights).tensors;
  torch::NoGradGuard no_grad;
  for (auto& [name, proj] : model->projections()) {
    if (!layout.modules.count(name)) continue;
    if (layout.peft_type == "LORA") merge_lora(proj, name, layout, tensors);
    else merge_ia3(proj, name, tensors);
  }
}

}  // namespace tb
