#include "methods/registry.h"

#include <algorithm>

#include "methods/full_ft.h"
#include "methods/lora.h"

namespace tb {
namespace {

const std::vector<std::string> kProjections = {"q_proj", "k_proj", "v_proj", "o_proj",
                                               "gate_proj", "up_proj", "down_proj"};

std::unique_ptr<Method> make_full_ft(const nlohmann::json&) { return std::make_unique<FullFineTuning>(); }

std::unique_ptr<Method> make_lora(const nlohmann::json& hp) {
  LoraOptions o;
  o.rank = hp.at("rank").get<int64_t>();
  o.alpha = hp.at("alpha").get<double>();
  o.dropout = hp.at("dropout").get<double>();
  o.target_modules = hp.at("target_modules").get<std::vector<std::string>>();
  return std::make_unique<Lora>(o);
}

// (out, in) of a projection of the model.
std::pair<int64_t, int64_t> projection_shape(const std::string& leaf, const LlamaConfig& c) {
  const int64_t q = c.num_attention_heads * c.head_dim(), kv = c.num_key_value_heads * c.head_dim();
  if (leaf == "q_proj") return {q, c.hidden_size};
  if (leaf == "k_proj" || leaf == "v_proj") return {kv, c.hidden_size};
  if (leaf == "o_proj") return {c.hidden_size, q};
  if (leaf == "down_proj") return {c.hidden_size, c.intermediate_size};
  return {c.intermediate_size, c.hidden_size};  // gate_proj, up_proj
}

void check_lora(const nlohmann::json& hp, const LlamaConfig& model, const JsonLocation& where) {
  const auto targets = hp.at("target_modules").get<std::vector<std::string>>();
  if (targets.empty()) where.key("target_modules").fail("expected at least one module to adapt; LoRA would train nothing");
  const int64_t rank = hp.at("rank").get<int64_t>();
  for (const auto& t : targets) {
    const auto [out, in] = projection_shape(t, model);
    if (rank > std::min(out, in)) {
      where.key("rank").fail("rank " + std::to_string(rank) + " exceeds min(out, in) = " +
                             std::to_string(std::min(out, in)) + " of " + t + " (" + std::to_string(out) + " x " +
                             std::to_string(in) + "); a LoRA update cannot have a higher rank than its matrix");
    }
  }
}

}  // namespace

const std::vector<MethodInfo>& all_methods() {
  static const std::vector<MethodInfo> methods = {
      {"full_ft", "full fine-tuning: every parameter trained", {}, nullptr, &make_full_ft},
      {"lora", "LoRA (Hu et al. 2022): W0 + (alpha/r) B A on the target projections",
       {
           {.name = "rank", .type = FieldType::kInt, .default_value = 8, .min = 1, .sweepable = true},
           {.name = "alpha", .type = FieldType::kNumber, .default_value = 8.0, .min = 0, .min_exclusive = true,
            .sweepable = true, .help = "scale numerator: the update is (alpha / rank) B A"},
           {.name = "dropout", .type = FieldType::kNumber, .default_value = 0.0, .min = 0, .max = 0.99,
            .sweepable = true},
           {.name = "target_modules", .type = FieldType::kStringList, .default_value = nlohmann::json::array({"q_proj", "v_proj"}),
            .choices = kProjections, .sweepable = true},
       },
       &check_lora, &make_lora},
  };
  return methods;
}

const MethodInfo* find_method(const std::string& name) {
  for (const auto& m : all_methods()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::string method_names() {
  std::string out;
  for (const auto& m : all_methods()) out += (out.empty() ? "" : ", ") + m.name;
  return out;
}

}  // namespace tb
