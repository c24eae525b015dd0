#include "evaluators/responder.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "harness/model/generate.h"
#include "harness/model/tokenizer.h"

namespace tb {
namespace {

// BOS + text, keeping the last `max_tokens` tokens when it is longer.
std::vector<int64_t> context_tokens(const std::string& text, int64_t max_tokens) {
  std::vector<int64_t> tokens = {kBosToken};
  const std::vector<int64_t> body = encode_bytes(text);
  tokens.insert(tokens.end(), body.begin(), body.end());
  if (int64_t(tokens.size()) > max_tokens) tokens.erase(tokens.begin(), tokens.end() - max_tokens);
  return tokens;
}

}  // namespace

ModelResponder::ModelResponder(LlamaForCausalLM model, int64_t batch_size)
    : model_(std::move(model)), batch_size_(batch_size) {}

std::vector<Response> ModelResponder::respond(const std::vector<Query>& queries) {
  model_->eval();
  const int64_t context =
      model_->config.max_position_embeddings - model_->config.num_virtual_tokens;
  std::vector<Response> out(queries.size());

  // Generation: batches of prompts with equal token counts and equal decoding settings.
  std::map<std::tuple<size_t, int64_t, std::string>, std::vector<size_t>> groups;
  std::vector<std::vector<int64_t>> prompts(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) {
    const int64_t room = std::max<int64_t>(1, context - queries[i].max_new_tokens);
    prompts[i] = context_tokens(queries[i].prompt, room);
    groups[{prompts[i].size(), queries[i].max_new_tokens, queries[i].stop_text}].push_back(i);
  }
  for (const auto& [key, members] : groups) {
    for (size_t start = 0; start < members.size(); start += size_t(batch_size_)) {
      const size_t end = std::min(members.size(), start + size_t(batch_size_));
      std::vector<std::vector<int64_t>> batch;
      for (size_t j = start; j < end; ++j) batch.push_back(prompts[members[j]]);
      const auto generated =
          greedy_generate_batch(model_, batch, std::get<1>(key), kEosToken, std::get<2>(key));
      for (size_t j = start; j < end; ++j)
        out[members[j]].output = decode_bytes(generated[j - start]);
    }
  }

  // Teacher-forced answer log-probabilities: right-padded batches of similar lengths.
  std::vector<size_t> order(queries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return queries[a].prompt.size() + queries[a].answer.size() <
           queries[b].prompt.size() + queries[b].answer.size();
  });
  for (size_t start = 0; start < order.size(); start += size_t(batch_size_)) {
    const size_t end = std::min(order.size(), start + size_t(batch_size_));
    std::vector<std::vector<int64_t>> contexts, answers;
    for (size_t k = start; k < end; ++k) {
      const size_t i = order[k];
      std::vector<int64_t> answer = encode_bytes(queries[i].answer);
      answer.push_back(kEosToken);
      contexts.push_back(context_tokens(queries[i].prompt, context - int64_t(answer.size())));
      answers.push_back(std::move(answer));
    }
    const auto logprobs = continuation_logprobs(model_, contexts, answers);
    for (size_t k = start; k < end; ++k) out[order[k]].answer_logprob = logprobs[k - start];
  }
  return out;
}

}  // namespace tb
