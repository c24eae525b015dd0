// Long-input fine-tuning, LIFT (Mao et al. 2024, "LIFT: Improving Long Context Understanding
// Through Long Input Fine-Tuning", arXiv 2412.13626, §3.1): at test time, for each long
// input, a copy of the model gets a fresh LoRA that is trained on the input itself —
// overlapping segments of `segment` tokens every `stride` tokens (the paper: 2048 and 768),
// the plain language-modelling loss on every token, each optimiser step accumulating the
// gradient of all segments — and then answers from a truncated input (its first and last
// context / 2 tokens), so what the window cannot hold must come from the adapted weights.
// The paper's optional synthetic question-answer pairs are not generated.
//
// A suite option of long_context, not a method: it changes how the model answers each item,
// not what the run trained, so it applies to the tuned model of any method (and its cost is
// per item, reported by the suite).
#pragma once
#include <cstdint>

#include "evaluators/responder.h"

namespace tb {

struct LiftOptions {
  int64_t steps = 0;  // optimiser steps per item; 0: off
  double lr = 1e-3;
  int64_t rank = 8;       // LoRA on all projections, alpha = 2 rank
  int64_t segment = 128;  // tokens per training segment
  int64_t stride = 48;    // tokens between segment starts
  int64_t context = 128;  // tokens of the truncated input the model answers from (BOS included)
};

class LiftResponder final : public Responder {
 public:
  LiftResponder(LlamaForCausalLM model, const Tokenizer& tokenizer, LiftOptions options, int64_t batch_size);
  std::vector<Response> respond(const std::vector<Query>& queries) override;
  // A copy of the model with a LoRA trained on `input` (token ids, BOS first), as for one item.
  LlamaForCausalLM adapted_copy(const std::vector<int64_t>& input);
  double seconds = 0;          // spent adapting and answering, over every query so far
  int64_t trained_tokens = 0;  // tokens of the segments trained on, times the steps
  int64_t queries = 0;

 private:
  LlamaForCausalLM model_;
  const Tokenizer& tokenizer_;
  LiftOptions options_;
  int64_t batch_size_;
};

// The segments' starts over `length` tokens: 0, stride, ... while a segment still begins
// before the last `segment` tokens, and one ending at the last token.
std::vector<int64_t> lift_segment_starts(int64_t length, int64_t segment, int64_t stride);

// The first context / 2 and the last context - context / 2 of `ids`; ids when they fit.
std::vector<int64_t> head_and_tail(const std::vector<int64_t>& ids, int64_t context);

}  // namespace tb
