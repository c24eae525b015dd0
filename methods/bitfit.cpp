// BitFit (Ben Zaken et al., "BitFit: Simple Parameter-efficient Fine-tuning for
// Transformer-based Masked Language-models", ACL 2022), §2: only the bias terms are
// trained. Llama's projections and RMSNorms have no biases, so BitFit on Llama trains
// nothing unless biases are added: the spec must say add_biases: true, and then every
// attention and MLP projection gets a zero-initialised bias (Hugging Face's
// attention_bias and mlp_bias), which is all that is trained. The tuned model starts at
// the base model and keeps its biases (a plain Llama with both flags set). The paper's
// task head has no counterpart in a language model; lm_head stays frozen.
#include "methods/bitfit.h"

#include "methods/registry.h"

namespace tb {

std::vector<torch::Tensor> BitFit::prepare(LlamaForCausalLM& model, const MethodContext&) {
  freeze_all(*model);
  model->add_biases();
  std::vector<torch::Tensor> params;
  for (auto& [name, proj] : model->projections()) {
    proj->bias.set_requires_grad(true);
    params.push_back(proj->bias);
  }
  return params;
}

MethodInfo bitfit_info() {
  return {
      "bitfit",
      "BitFit (Ben Zaken et al. 2022): only biases trained; adds zero biases to Llama's bias-free "
      "projections",
      {{.name = "add_biases",
        .type = FieldType::kBool,
        .default_value = false,
        .help = "must be true: Llama has no biases, so BitFit trains zero-initialised biases added "
                "to every projection"}},
      [](const nlohmann::json& hp, const LlamaConfig&, const JsonLocation& where) {
        if (!hp.at("add_biases").get<bool>()) {
          where.key("add_biases")
              .fail(
                  "Llama's projections and norms have no biases, so BitFit would train nothing; "
                  "set \"add_biases\": true "
                  "to add zero-initialised biases to every attention and MLP projection and train "
                  "only those");
        }
      },
      [](const nlohmann::json&) -> std::unique_ptr<Method> { return std::make_unique<BitFit>(); },
      /*make_posthoc=*/nullptr,
      ParentGrouping::kNone,
      /*min_parents=*/0,
      /*keeps_base_parameters=*/false};  // the biases it adds
}

}  // namespace tb
