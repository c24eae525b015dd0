// The synthetic pretraining mixture of tunebench's own base models: templated prose,
// copying ("copy(abc)=abc") and two-number addition ("12+7=19"). No model hub is
// reachable, so the base model learns language-like structure and these formats here;
// fine-tuning then teaches something new and forgetting is measured on held-out
// documents of the same mixture.
#pragma once
#include <string>

#include "harness/data/rng.h"

namespace tb {

// Bumped whenever the generated text changes, so cached base models are not reused.
inline constexpr int kPretrainMixtureVersion = 2;

struct MixtureWeights {
  double prose = 0.5;
  double copy = 0.3;
  double arithmetic = 0.2;
};

enum class Split { kTrain, kHeldOut };

// One document (no BOS/EOS) from the requested split; the split is decided by a
// hash of the text, so held-out documents are never trained on.
std::string sample_mixture_document(Rng& rng, const MixtureWeights& weights, Split split);

}  // namespace tb
