// Prompt tuning (Lester et al., "The Power of Scale for Parameter-Efficient Prompt
// Tuning", EMNLP 2021), §2: n learned embeddings P_e ∈ R^{n×d} are prepended to the
// embedded input, [P_e; X_e], and only P_e is trained. Initialisations as PEFT's
// PromptTuningInit: "random" = nn.Embedding's N(0, 1); "sample_vocab" = embeddings of
// uniformly drawn vocabulary ids (the paper's §3.2 "sampled vocab"); "text" = the
// embeddings of init_text's tokens, repeated or cut to n (without the BOS that PEFT's
// tokenizer call adds, so that the byte tokenizer's prompts stay as they were). The prompt cannot fold into
// the weights: it stays with the tuned model (config num_virtual_tokens, tensor
// model.prompt_embeddings) and precedes every sequence the model reads, evaluation
// included; the dense weights stay the base model's.
#include "methods/prompt_tuning.h"

#include "methods/registry.h"

namespace tb {

std::vector<torch::Tensor> PromptTuning::prepare(LlamaForCausalLM& model, const MethodContext& context) {
  freeze_all(*model);
  const int64_t n = options_.num_virtual_tokens;
  const auto& embeddings = model->model->embed_tokens->weight;
  torch::Tensor prompt;
  if (options_.init == "sample_vocab") {
    prompt = embeddings.detach()
                 .index_select(0, torch::randint(0, embeddings.size(0), {n}, torch::kInt64))
                 .clone();
  } else if (options_.init == "text") {
    TORCH_CHECK(context.tokenizer != nullptr, "prompt_tuning: init \"text\" needs the run's tokenizer");
    const auto ids = context.tokenizer->encode(options_.init_text);
    TORCH_CHECK(!ids.empty(), "prompt_tuning: init_text is empty");
    std::vector<int64_t> repeated;
    for (int64_t i = 0; i < n; ++i) repeated.push_back(ids[size_t(i) % ids.size()]);
    prompt = embeddings.detach().index_select(0, torch::tensor(repeated, torch::kInt64)).clone();
  } else {
    prompt = torch::randn({n, embeddings.size(1)});
  }
  model->add_virtual_tokens(prompt);
  return {model->model->virtual_tokens};
}

// PEFT prepends the prompt to the input embeddings and leaves positions to the model
// (0 .. n + L - 1), as here. prompt_tuning_init is written as RANDOM whatever the run's
// init: the saved embeddings replace it on loading, and TEXT would make PEFT load a tokenizer.
std::optional<PeftAdapter> PromptTuning::peft_adapter(LlamaForCausalLM& tuned, LlamaForCausalLM&) {
  const LlamaConfig& c = tuned->config;
  PeftAdapter out;
  out.tensors["prompt_embeddings"] = tuned->model->virtual_tokens.detach().clone();
  out.config = {{"peft_type", "PROMPT_TUNING"},
                {"task_type", "CAUSAL_LM"},
                {"num_virtual_tokens", options_.num_virtual_tokens},
                {"token_dim", c.hidden_size},
                {"num_transformer_submodules", 1},
                {"num_attention_heads", c.num_attention_heads},
                {"num_layers", c.num_hidden_layers},
                {"prompt_tuning_init", "RANDOM"},
                {"prompt_tuning_init_text", nullptr},
                {"tokenizer_name_or_path", nullptr},
                {"inference_mode", true},
                {"base_model_name_or_path", nullptr}};
  return out;
}

MethodInfo prompt_tuning_info() {
  return {
      "prompt_tuning",
      "prompt tuning (Lester et al. 2021): n learned virtual-token embeddings prepended to every "
      "sequence",
      {
          {.name = "num_virtual_tokens",
           .type = FieldType::kInt,
           .default_value = 8,
           .min = 1,
           .max = kMaxTokens,
           .sweepable = true},
          {.name = "init",
           .type = FieldType::kString,
           .default_value = "random",
           .choices = {"random", "sample_vocab", "text"},
           .sweepable = true,
           .help = "N(0, 1), embeddings of random vocabulary ids, or the embeddings of init_text"},
          {.name = "init_text", .type = FieldType::kString, .default_value = ""},
      },
      [](const nlohmann::json& hp, const LlamaConfig& model, const JsonLocation& where) {
        if (hp.at("num_virtual_tokens").get<int64_t>() >= model.max_position_embeddings) {
          where.key("num_virtual_tokens")
              .fail("must be below the model's max_position_embeddings (" +
                    std::to_string(model.max_position_embeddings) +
                    "): the virtual tokens take positions before every sequence");
        }
        if (hp.at("init").get<std::string>() == "text" &&
            hp.at("init_text").get<std::string>().empty()) {
          where.key("init_text").fail("init \"text\" needs a non-empty init_text");
        }
      },
      [](const nlohmann::json& hp) -> std::unique_ptr<Method> {
        PromptTuningOptions o;
        o.num_virtual_tokens = hp.at("num_virtual_tokens").get<int64_t>();
        o.init = hp.at("init").get<std::string>();
        o.init_text = hp.at("init_text").get<std::string>();
        return std::make_unique<PromptTuning>(o);
      },
      /*make_posthoc=*/nullptr,
      ParentGrouping::kNone,
      /*min_parents=*/0,
      /*keeps_base_parameters=*/false};
}

}  // namespace tb
