#pragma once
#include <string>
#include <vector>

#include "harness/model/adapted_linear.h"
#include "harness/spec/schema.h"
#include "methods/method.h"

namespace tb {

struct MethodInfo;
MethodInfo lora_info();

struct LoraOptions {
  int64_t rank = 8;
  double alpha = 8.0;
  double dropout = 0.0;
  std::vector<std::string> target_modules = {"q_proj", "v_proj"};
  bool use_rslora = false;               // scale alpha / sqrt(r) instead of alpha / r
  std::string init = "kaiming_uniform";  // or "gaussian"
};

// The LoRA-family hyperparameters (rank, alpha, dropout, target_modules, use_rslora,
// and init when with_init), their reading, and the rank-vs-shape check.
Schema lora_family_schema(bool with_init);
LoraOptions lora_options_from(const nlohmann::json& hp);
void check_lora_family(const nlohmann::json& hp, const LlamaConfig& model,
                       const JsonLocation& where);

// The update's scale: alpha / r, or alpha / sqrt(r) for rsLoRA (Kalajdzievski 2023).
double lora_scale(double alpha, int64_t rank, bool use_rslora);

// Every LoRA / DoRA adapter attached to the model, as a PEFT "LORA" adapter: lora_A (r, in),
// lora_B (out, r), DoRA's lora_magnitude_vector (out), and adapter_config.json with r,
// lora_alpha, use_rslora, use_dora and target_modules; modules whose rank or scale differ
// from the first one's (EVA's ranks) are listed in rank_pattern / alpha_pattern, so that
// PEFT's scaling (lora_alpha / r, or / sqrt(r)) gives each module's scale exactly.
PeftAdapter lora_peft_adapter(LlamaForCausalLM& model, const LoraOptions& o);

// y = W0 x + scale * B (A dropout(x)); A: (r, in), B: (out, r), both zero until the
// method initialises them.
class LoraAdapter : public LinearAdapter {
 public:
  LoraAdapter(int64_t in, int64_t out, int64_t rank, double scale, double dropout);
  torch::Tensor adapt(const torch::Tensor& x, const torch::Tensor& y) override;
  void merge_into(torch::Tensor& weight, torch::Tensor& bias) override;
  torch::Tensor update() const { return scale * torch::mm(B, A); }  // (out, in)
  // DoRA's magnitude vector (out); undefined for plain LoRA.
  virtual torch::Tensor magnitude_vector() const { return {}; }
  torch::Tensor A, B;
  double scale, dropout;

 protected:
  torch::Tensor lora_path(const torch::Tensor& dropped_x) const;  // scale * B A x
  torch::Tensor dropped(const torch::Tensor& x);
};

// What the low-rank methods (LoRA, DoRA, PiSSA) share: their options, and a merge that
// folds every projection's adapter into its weight.
class LoraFamilyMethod : public Method {
 public:
  explicit LoraFamilyMethod(LoraOptions o) : options_(std::move(o)) {}
  void merge(LlamaForCausalLM& model) override { merge_all_projections(model); }
  std::optional<PeftAdapter> peft_adapter(LlamaForCausalLM& tuned, LlamaForCausalLM&) override {
    return lora_peft_adapter(tuned, options_);
  }

 protected:
  LoraOptions options_;
};

class Lora : public LoraFamilyMethod {
 public:
  using LoraFamilyMethod::LoraFamilyMethod;
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model,
                                     const MethodContext& context) override;
};

// A (r, in) as o.init says: U(-1/sqrt(in), 1/sqrt(in)) or N(0, 1/r).
void initialise_lora_a(torch::Tensor& A, const LoraOptions& o);

}  // namespace tb
