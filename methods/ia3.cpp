// (IA)^3 (Liu et al., "Few-Shot Parameter-Efficient Fine-Tuning is Better and Cheaper
// than In-Context Learning", NeurIPS 2022), §3.3: learned vectors rescale the keys, the
// values and the inner activation of the feed-forward network: k ⊙ l_k, v ⊙ l_v and
// W_down (l_ff ⊙ γ(W_1 x)). The vectors start at ones, so the tuned model starts at the
// base model. As PEFT's IA3 for Llama: targets k_proj, v_proj, down_proj, with down_proj
// a feed-forward module whose input is scaled; output scaling also scales the bias.
// Merging: W = diag(l) W (and b = l ⊙ b), or W = W diag(l) for feed-forward modules.
#include "methods/ia3.h"

#include "methods/registry.h"
#include "methods/target_modules.h"

namespace tb {

Ia3Adapter::Ia3Adapter(int64_t in, int64_t out, bool feedforward_) : feedforward(feedforward_) {
  scaling = register_parameter("scaling", torch::ones({feedforward ? in : out}));
}

// W (x ⊙ l) = (W diag(l)) x: the input scaling acts on the weight's columns.
torch::Tensor Ia3Adapter::adapt_weight(const torch::Tensor& w) {
  return feedforward ? w * scaling : w;
}

torch::Tensor Ia3Adapter::adapt(const torch::Tensor& x, const torch::Tensor& y) {
  return feedforward ? y : y * scaling;
}

void Ia3Adapter::merge_into(torch::Tensor& weight, torch::Tensor& bias) {
  if (feedforward) {
    weight.mul_(scaling.unsqueeze(0));
  } else {
    weight.mul_(scaling.unsqueeze(1));
    if (bias.defined()) bias.mul_(scaling);
  }
}

std::vector<torch::Tensor> Ia3::prepare(LlamaForCausalLM& model, const MethodContext&) {
  const auto feedforward = options_.feedforward_modules.empty()
                               ? std::set<std::string>{}
                               : selected_names(options_.feedforward_modules, model->config);
  return attach_adapters(model, options_.target_modules, "ia3",
                         [&](const std::string& name, AdaptedLinear& proj) {
                           return std::make_shared<Ia3Adapter>(
                               proj->in_features, proj->out_features, feedforward.count(name) > 0);
                         });
}

void Ia3::merge(LlamaForCausalLM& model) { merge_all_projections(model); }

// target_modules and feedforward_modules list whole module names, which PEFT matches
// exactly, so the adapter covers the same projections whatever patterns selected them.
std::optional<PeftAdapter> Ia3::peft_adapter(LlamaForCausalLM& tuned, LlamaForCausalLM&) {
  PeftAdapter out;
  std::vector<std::string> targets, feedforward;
  for (auto& [name, proj] : tuned->projections()) {
    for (const auto& child : proj->named_children()) {
      const auto ia3 = std::dynamic_pointer_cast<Ia3Adapter>(child.value());
      if (!ia3) continue;
      const auto l = ia3->scaling.detach().clone();
      out.tensors["base_model.model." + name + ".ia3_l"] = ia3->feedforward ? l.unsqueeze(0) : l.unsqueeze(1);
      targets.push_back(name);
      if (ia3->feedforward) feedforward.push_back(name);
    }
  }
  out.config = {{"peft_type", "IA3"},          {"task_type", "CAUSAL_LM"},
                {"target_modules", targets},   {"feedforward_modules", feedforward},
                {"fan_in_fan_out", false},     {"init_ia3_weights", true},
                {"modules_to_save", nullptr},  {"inference_mode", true},
                {"base_model_name_or_path", nullptr}};
  return out;
}

MethodInfo ia3_info() {
  return {
      "ia3",
      "(IA)^3 (Liu et al. 2022): learned scaling of k, v and the MLP down projection's input",
      {
          {.name = "target_modules",
           .type = FieldType::kStringList,
           .default_value = nlohmann::json::array({"k_proj", "v_proj", "down_proj"}),
           .sweepable = true,
           .help = kTargetModulesHelp},
          {.name = "feedforward_modules",
           .type = FieldType::kStringList,
           .default_value = nlohmann::json::array({"down_proj"}),
           .sweepable = true,
           .help =
               "targets whose input is scaled instead of their output; a subset of target_modules"},
      },
      [](const nlohmann::json& hp, const LlamaConfig& model, const JsonLocation& where) {
        std::set<std::string> targets;
        for (const auto& t : check_target_modules(hp, model, where)) targets.insert(t.name);
        if (hp.at("feedforward_modules").empty()) return;
        for (const auto& f : check_target_modules(hp, model, where, "feedforward_modules")) {
          if (!targets.count(f.name)) {
            where.key("feedforward_modules")
                .fail(f.name +
                      " is not among the target_modules; feed-forward modules must be targets");
          }
        }
      },
      [](const nlohmann::json& hp) -> std::unique_ptr<Method> {
        Ia3Options o;
        o.target_modules = hp.at("target_modules").get<std::vector<std::string>>();
        o.feedforward_modules = hp.at("feedforward_modules").get<std::vector<std::string>>();
        return std::make_unique<Ia3>(o);
      }};
}

}  // namespace tb
