#include "evaluators/long_input_finetuning.h"

#include <chrono>

#include "harness/data/rng.h"
#include "harness/model/model_io.h"
#include "harness/train/trainer.h"
#include "methods/lora.h"

namespace tb {

std::vector<int64_t> lift_segment_starts(int64_t length, int64_t segment, int64_t stride) {
  if (length <= segment) return {0};
  std::vector<int64_t> starts;
  for (int64_t s = 0; s + segment < length; s += stride) starts.push_back(s);
  starts.push_back(length - segment);
  return starts;
}

std::vector<int64_t> head_and_tail(const std::vector<int64_t>& ids, int64_t context) {
  if (int64_t(ids.size()) <= context) return ids;
  const int64_t head = context / 2, tail = context - head;
  std::vector<int64_t> out(ids.begin(), ids.begin() + head);
  out.insert(out.end(), ids.end() - tail, ids.end());
  return out;
}

LiftResponder::LiftResponder(LlamaForCausalLM model, const Tokenizer& tokenizer, LiftOptions options,
                             int64_t batch_size)
    : model_(std::move(model)), tokenizer_(tokenizer), options_(options), batch_size_(batch_size) {}

LlamaForCausalLM LiftResponder::adapted_copy(const std::vector<int64_t>& input) {
  LlamaForCausalLM copy(model_->config, WeightInit::kEmpty);
  load_model_state(*copy, model_state(*model_));
  torch::manual_seed(fnv1a(tokenizer_.decode(input, false)));  // the adapter's A, per item
  LoraOptions lora;
  lora.rank = options_.rank;
  lora.alpha = 2.0 * double(options_.rank);
  lora.target_modules = kProjectionLeaves;
  const auto params = Lora(lora).prepare(copy, MethodContext{});
  TrainingOptions o;
  o.lr = options_.lr;
  torch::optim::AdamW optimizer(params, adamw_options(o));
  const auto tokens = torch::tensor(input, torch::kInt64);
  const auto starts = lift_segment_starts(int64_t(input.size()), options_.segment, options_.stride);
  copy->train();
  for (int64_t step = 0; step < options_.steps; ++step) {
    optimizer.zero_grad();
    for (int64_t s : starts) {
      const int64_t n = std::min<int64_t>(options_.segment, int64_t(input.size()) - s);
      const auto segment = tokens.narrow(0, s, n).unsqueeze(0);
      const auto logits = copy->forward(segment.narrow(1, 0, n - 1));
      (causal_lm_loss(logits, segment.narrow(1, 1, n - 1)) / double(starts.size())).backward();
      trained_tokens += n;
    }
    optimizer.step();
  }
  return copy;
}

std::vector<Response> LiftResponder::respond(const std::vector<Query>& batch) {
  std::vector<Response> out;
  for (const Query& query : batch) {
    const auto start = std::chrono::steady_clock::now();
    const std::vector<int64_t> input = tokenizer_.encode_with_bos(query.prompt);
    LlamaForCausalLM adapted = adapted_copy(input);
    Query truncated = query;
    truncated.prompt = tokenizer_.decode(head_and_tail(tokenizer_.encode(query.prompt), options_.context - 1), false);
    out.push_back(ModelResponder(adapted, tokenizer_, batch_size_).respond({truncated})[0]);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ++queries;
  }
  return out;
}

}  // namespace tb
