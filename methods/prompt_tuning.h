#pragma once
#include <string>

#include "methods/method.h"

namespace tb {

struct MethodInfo;
MethodInfo prompt_tuning_info();

struct PromptTuningOptions {
  int64_t num_virtual_tokens = 8;
  std::string init = "random";  // "random", "sample_vocab" or "text"
  std::string init_text;        // for init "text"
};

class PromptTuning : public Method {
 public:
  explicit PromptTuning(PromptTuningOptions o) : options_(std::move(o)) {}
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model,
                                     const MethodContext& context) override;
  // PEFT's prompt-tuning adapter: prompt_embeddings (n, hidden_size).
  std::optional<PeftAdapter> peft_adapter(LlamaForCausalLM& tuned, LlamaForCausalLM& base) override;

 private:
  PromptTuningOptions options_;
};

}  // namespace tb
