#include "methods/longlora.h"

#include "methods/registry.h"

namespace tb {

void set_shifted_sparse_groups(LlamaForCausalLM& model, int64_t groups) {
  for (auto& block : model->model->blocks) block->self_attn->shifted_sparse_groups = groups;
}

std::vector<torch::Tensor> LongLora::prepare(LlamaForCausalLM& model, const MethodContext& context) {
  std::vector<torch::Tensor> params = Lora(options_).prepare(model, context);
  if (embeddings_and_norms_) {
    std::vector<torch::Tensor> extra = {model->model->embed_tokens->weight, model->model->norm->weight};
    for (auto& block : model->model->blocks) {
      extra.push_back(block->input_layernorm->weight);
      extra.push_back(block->post_attention_layernorm->weight);
    }
    for (auto& p : extra) p.set_requires_grad(true);
    params.insert(params.end(), extra.begin(), extra.end());
  }
  set_shifted_sparse_groups(model, groups_);
  return params;
}

void LongLora::merge(LlamaForCausalLM& model) {
  merge_all_projections(model);
  set_shifted_sparse_groups(model, 0);
}

std::optional<PeftAdapter> LongLora::peft_adapter(LlamaForCausalLM& tuned, LlamaForCausalLM& base) {
  if (embeddings_and_norms_) return std::nullopt;
  return LoraFamilyMethod::peft_adapter(tuned, base);
}

namespace {

Schema longlora_schema() {
  Schema s = lora_family_schema(false);
  for (Field& f : s) {
    if (f.name == "alpha") f.default_value = 16.0;
    if (f.name == "target_modules") f.default_value = {"q_proj", "k_proj", "v_proj", "o_proj"};
  }
  s.push_back({.name = "s2_groups",
               .type = FieldType::kInt,
               .default_value = 4,
               .min = 1,
               .max = 4096,
               .sweepable = true,
               .help = "S²-Attn: groups a training sequence is split into (the paper: 4, a group of 1/4 of the "
                       "sequence); 1: full attention"});
  s.push_back({.name = "trainable_embeddings_and_norms",
               .type = FieldType::kBool,
               .default_value = true,
               .sweepable = true,
               .help = "LongLoRA's LoRA+: train embed_tokens and every RMSNorm as well"});
  return s;
}

void check_longlora(const nlohmann::json& hp, const LlamaConfig& model, const JsonLocation& where) {
  check_lora_family(hp, model, where);
  if (hp.at("s2_groups").get<int64_t>() > 1 && model.num_attention_heads % 2 != 0)
    where.key("s2_groups").fail("S²-Attn shifts half of the heads: the model's " +
                                std::to_string(model.num_attention_heads) + " heads are not an even number");
}

}  // namespace

MethodInfo longlora_info() {
  return {"longlora",
          "LongLoRA (Chen et al. 2024): LoRA on q/k/v/o with shifted sparse attention in training and "
          "trainable embeddings and norms",
          longlora_schema(), &check_longlora, [](const nlohmann::json& hp) -> std::unique_ptr<Method> {
            return std::make_unique<LongLora>(lora_options_from(hp), hp.at("s2_groups").get<int64_t>(),
                                              hp.at("trainable_embeddings_and_norms").get<bool>());
          }};
}

}  // namespace tb
