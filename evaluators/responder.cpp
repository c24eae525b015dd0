#include "evaluators/responder.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "harness/model/generate.h"

namespace tb {
namespace {

// The last `max_tokens` of `tokens`.
std::vector<int64_t> keep_last(std::vector<int64_t> tokens, int64_t max_tokens) {
  if (int64_t(tokens.size()) > max_tokens) tokens.erase(tokens.begin(), tokens.end() - max_tokens);
  return tokens;
}

// A prompt the tokenizer encodes to nothing (no BOS, empty text) gets EOS as the token the
// first prediction is made from, as lm-evaluation-harness's rolling log-likelihood does.
std::vector<int64_t> non_empty(std::vector<int64_t> prompt, const Tokenizer& tok) {
  if (prompt.empty()) prompt.push_back(tok.special().eos);
  return prompt;
}

Tokenizer::PromptTarget query_ids(const Tokenizer& tok, const Query& q) {
  const bool chat = !q.rendered_reply.empty();
  auto ids = tok.encode_prompt_target(q.prompt, chat ? q.rendered_reply : q.answer, !chat, !chat);
  ids.prompt = non_empty(std::move(ids.prompt), tok);
  return ids;
}

}  // namespace

ModelResponder::ModelResponder(LlamaForCausalLM model, const Tokenizer& tokenizer, int64_t batch_size)
    : model_(std::move(model)), tokenizer_(tokenizer), batch_size_(batch_size) {}

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
    const bool chat = !queries[i].rendered_reply.empty();
    prompts[i] = keep_last(
        non_empty(chat ? tokenizer_.encode(queries[i].prompt) : tokenizer_.encode_with_bos(queries[i].prompt),
                  tokenizer_),
        room);
    groups[{prompts[i].size(), queries[i].max_new_tokens, queries[i].stop_text}].push_back(i);
  }
  for (const auto& [key, members] : groups) {
    for (size_t start = 0; start < members.size(); start += size_t(batch_size_)) {
      const size_t end = std::min(members.size(), start + size_t(batch_size_));
      std::vector<std::vector<int64_t>> batch;
      for (size_t j = start; j < end; ++j) batch.push_back(prompts[members[j]]);
      const auto generated = greedy_generate_batch(
          model_, batch, std::get<1>(key),
          {.tokens = tokenizer_.special().stop, .text = std::get<2>(key), .tokenizer = &tokenizer_});
      for (size_t j = start; j < end; ++j)
        out[members[j]].output = tokenizer_.decode(generated[j - start]);
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
      auto [prompt, answer] = query_ids(tokenizer_, queries[order[k]]);
      if (int64_t(answer.size()) >= context) answer.resize(size_t(context - 1));  // scored as far as it fits
      contexts.push_back(keep_last(std::move(prompt), context - int64_t(answer.size())));
      answers.push_back(std::move(answer));
    }
    const auto logprobs = continuation_logprobs(model_, contexts, answers, tokenizer_.special().pad);
    for (size_t k = start; k < end; ++k) out[order[k]].answer_logprob = logprobs[k - start];
  }
  return out;
}

}  // namespace tb
