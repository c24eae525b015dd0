// LongLoRA (Chen et al. 2024, "LongLoRA: Efficient Fine-tuning of Long-Context Large
// Language Models", ICLR 2024): LoRA on the attention projections (q, k, v, o; rank 8,
// alpha 16 in the paper) trained with shifted sparse attention S²-Attn (§3.2: the training
// sequence split into groups, half the heads shifted by half a group;
// harness/model/causal_attention.h), with the embeddings and normalisation layers trainable
// too (§3.3, "LoRA+": embed_tokens, every RMSNorm, not lm_head). S²-Attn acts in training
// only: evaluation and the merged model use full attention, as the paper's inference does.
#pragma once
#include <vector>

#include "methods/lora.h"

namespace tb {

struct MethodInfo;
MethodInfo longlora_info();

// Sets S²-Attn's group count on every attention layer (0 or 1: full attention).
void set_shifted_sparse_groups(LlamaForCausalLM& model, int64_t groups);

class LongLora : public LoraFamilyMethod {
 public:
  LongLora(LoraOptions o, int64_t groups, bool trainable_embeddings_and_norms)
      : LoraFamilyMethod(std::move(o)), groups_(groups), embeddings_and_norms_(trainable_embeddings_and_norms) {}
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model, const MethodContext& context) override;
  void merge(LlamaForCausalLM& model) override;
  // PEFT would keep the trained embeddings and norms as modules_to_save copies; not written yet.
  std::optional<PeftAdapter> peft_adapter(LlamaForCausalLM& tuned, LlamaForCausalLM& base) override;

 private:
  int64_t groups_;
  bool embeddings_and_norms_;
};

}  // namespace tb
