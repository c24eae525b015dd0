// What the suites ask of a model: greedy output for a prompt, and the teacher-forced
// log-probability of the gold answer. Behind an interface so that the suites' tests can
// score a perfect oracle and a constant answerer with the same code that scores models.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "harness/model/llama.h"
#include "harness/text/tokenizer.h"

namespace tb {

struct Query {
  std::string prompt;          // the model reads BOS + prompt
  std::string answer;          // gold continuation; scored teacher-forced with EOS after it
  int64_t max_new_tokens = 0;  // generation budget (enough for the answer and one more token)
  std::string stop_text;       // generation also stops once this appears (kept in the output)
  // Conversations: the reply as the chat template renders it, scored instead of answer +
  // EOS; the prompt, rendered by the template, gets no BOS (TaskItem::rendered_reply).
  std::string rendered_reply;
};

struct Response {
  std::string output;         // decoded greedy output, stop token excluded
  double answer_logprob = 0;  // log p(answer + EOS | BOS + prompt), nats
};

class Responder {
 public:
  virtual ~Responder() = default;
  virtual std::vector<Response> respond(const std::vector<Query>& queries) = 0;
};

inline constexpr int64_t kDefaultResponderBatch = 32;

// A model in eval mode, reading and writing through `tokenizer` (which must outlive it).
// Queries whose prompts have the same token count are decoded together, `batch_size` at a
// time, with one KV cache, until one of the tokenizer's stop tokens; teacher-forced scoring
// is batched the same way. A prompt too long for the context keeps its last tokens
// (lm-evaluation-harness truncates on the left too).
class ModelResponder final : public Responder {
 public:
  ModelResponder(LlamaForCausalLM model, const Tokenizer& tokenizer,
                 int64_t batch_size = kDefaultResponderBatch);
  std::vector<Response> respond(const std::vector<Query>& queries) override;

 private:
  LlamaForCausalLM model_;
  const Tokenizer& tokenizer_;
  int64_t batch_size_;
};

}  // namespace tb
