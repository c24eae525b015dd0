#include "harness/exec/method_preparation.h"

#include <stdexcept>

#include "harness/train/verifier.h"
#include "methods/registry.h"

namespace tb {

std::function<Batch(int64_t)> training_batches_from(const TaskData& data, int64_t batch_size,
                                                    std::shared_ptr<Rng> rng, const Tokenizer& tok,
                                                    int64_t max_tokens) {
  return [&data, batch_size, rng, &tok, max_tokens](int64_t) {
    std::vector<size_t> idx;
    for (int64_t i = 0; i < batch_size; ++i) idx.push_back(rng->below(data.train.size()));
    return make_sft_batch(data.train, idx, tok, max_tokens);
  };
}

PreparedMethod prepare_method(const nlohmann::json& config, LlamaForCausalLM& tuned,
                              const TaskData& data, const Tokenizer& tok, LlamaForCausalLM reference) {
  const auto& method_section = config.at("method");
  const MethodInfo* info = find_method(method_section.at("name").get<std::string>());
  if (info == nullptr) throw std::runtime_error("unknown method " + method_section.dump());
  PreparedMethod prepared{info->make(method_section), {},
                          TrainingOptions::from_json(config.at("training"))};
  const uint64_t seed = config.at("seed").get<uint64_t>();
  const MethodContext context{
      .total_steps = prepared.options.steps,
      .batches = training_batches_from(data, prepared.options.batch_size, std::make_shared<Rng>(seed ^ 0x1a17ULL),
                                       tok, tuned->config.max_position_embeddings),
      .tokenizer = &tok,
      .data = &data,
      .verifier = why_no_verifier(config.at("task")).empty() ? make_verifier(config.at("task"), data, tok) : Verifier(),
      .reference = reference,
      .seed = seed,
      .batch_size = prepared.options.batch_size};
  prepared.params = prepared.method->prepare(tuned, context);
  if (element_count(prepared.params) == 0)
    throw std::runtime_error("the method selected no trainable parameters");
  return prepared;
}

int64_t element_count(const std::vector<torch::Tensor>& params) {
  int64_t n = 0;
  for (const auto& p : params) n += p.numel();
  return n;
}

}  // namespace tb
