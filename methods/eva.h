#pragma once
#include "methods/lora.h"

namespace tb {

struct MethodInfo;
MethodInfo eva_info();

struct EvaOptions {
  LoraOptions lora;
  double rho = 2.0;                    // components computed per layer: round(rho * r)
  double tau = 0.99;                   // convergence: cosine similarity of consecutive components
  bool whiten = false;                 // divide A's rows by sqrt(singular value)
  bool adjust_scaling_factors = true;  // alpha_l = alpha * r_l / r
  int64_t max_batches = 200;  // stop gathering after this many batches even if not converged
};

// What EVA's PCA sees of a batch, in PEFT's alignment: PEFT feeds whole sequences
// (BOS prompt answer EOS) and keeps the input positions whose unshifted label is not -100
// (get_eva_state_dict's use_label_mask), i.e. the answer tokens and the EOS. A Batch's
// inputs stop before the EOS and its labels are shifted, so each row gets its last counted
// label (the EOS) appended after its last input.
struct EvaPcaInputs {
  torch::Tensor input_ids;  // (B, T') int64, T' = min(T + 1, max_positions)
  torch::Tensor positions;  // (n) int64 flat indices into B * T' of the kept positions
};
EvaPcaInputs eva_pca_inputs(const Batch& batch, int64_t max_positions);

class Eva : public Method {
 public:
  explicit Eva(EvaOptions o) : options_(std::move(o)) {}
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model,
                                     const MethodContext& context) override;
  void merge(LlamaForCausalLM& model) override { merge_all_projections(model); }
  std::optional<PeftAdapter> peft_adapter(LlamaForCausalLM& tuned, LlamaForCausalLM&) override {
    return lora_peft_adapter(tuned, options_.lora);
  }
  // The rank each target received (0: no adapter), by module name; set by prepare().
  const std::map<std::string, int64_t>& ranks() const { return ranks_; }
  int64_t batches_used() const { return batches_used_; }
  nlohmann::json details() const override {
    return {{"ranks", ranks_}, {"batches_used", batches_used_}};
  }

 private:
  EvaOptions options_;
  std::map<std::string, int64_t> ranks_;
  int64_t batches_used_ = 0;
};

}  // namespace tb
