// The "long_documents" fine-tuning task: language modelling on long text, the continued
// pretraining that context-extension methods are trained with (Chen et al. 2023; Peng et al.
// 2023; Lu et al. 2024's controlled study). An item is documents of the synthetic
// pretraining mixture joined by blank lines up to `length` UTF-8 bytes (tokens for the byte
// tokenizer, an upper bound for BPE ones), its long-context documents (passkey, needles,
// variable tracking, key-value retrieval) now up to that length too; the prompt is empty, so
// every token carries loss. The mixture's weights are the base model's pretraining weights
// unless the task gives its own (the spec fills them in). Training items come from the
// mixture's training side, held-out items from the other.
#pragma once
#include "harness/data/pretrain_mixture.h"
#include "harness/data/task.h"

namespace tb {

// Mixture documents joined by "\n\n", at most `bytes` long, filled until 20 draws in a row
// do not fit.
std::string long_document(Rng& rng, const MixtureWeights& weights, Split split, int64_t bytes);

class LongDocumentsTask : public Task {
 public:
  LongDocumentsTask(int64_t length, const MixtureWeights& weights) : length_(length), weights_(weights) {}
  TaskData data(int64_t train_items, int64_t eval_items, uint64_t seed, int64_t validation_items) const override;

 private:
  int64_t length_;
  MixtureWeights weights_;
};

}  // namespace tb
