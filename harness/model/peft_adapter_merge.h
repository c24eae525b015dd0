// PEFT adapter folders in (huggingface/peft save_pretrained: adapter_config.json and
// adapter_model.safetensors), folded into a base model's weights so that a run can start
// from someone else's adapter: continue tuning it with any method, or evaluate it with
// every suite. Read: LoRA (with use_rslora, rank_pattern, alpha_pattern) and DoRA
// adapters (peft_type LORA) and IA3 adapters, on the attention and MLP projections.
// Prompt-tuning adapters cannot fold into the weights and are refused, as are options
// that change the model beyond the projections (modules_to_save, LoRA biases).
#pragma once
#include <filesystem>
#include <string>

#include "harness/model/llama.h"

namespace tb {

// Checks the folder against a model of config `c` from the files' headers alone: the
// config's peft_type and options, every tensor's key and shape. Returns the peft_type
// ("LORA" or "IA3"). UserError naming the file, field or tensor otherwise.
std::string check_peft_adapter(const std::filesystem::path& folder, const LlamaConfig& c);

// Folds the adapter into `model`'s projections, as PEFT's merge_and_unload does:
// LoRA W += s B A with s = lora_alpha / r (or / sqrt(r) with use_rslora);
// DoRA W = m ⊙ V / ||V||_row with V = W + s B A;
// IA3 W = diag(l) W and b = l ⊙ b (output scaling), or W = W diag(l) (feed-forward
// modules, whose ia3_l has shape (1, in)).
void merge_peft_adapter(LlamaForCausalLM& model, const std::filesystem::path& folder);

}  // namespace tb
