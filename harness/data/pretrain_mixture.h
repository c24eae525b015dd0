// The synthetic pretraining mixture of tunebench's own base models: templated prose,
// copying ("copy(abc)=abc"), repeated random strings ("qhzkvtrwe qhzkvtrwe", off by default), addition ("12+7=19" and reversed "r21+7=91"), chained
// arithmetic ("q=3;x=q+4;x=?" -> "7") and short long-context items (passkey, needles,
// variable tracking, key-value retrieval). No model hub is reachable, so the base model
// learns language-like structure and every format the evaluation suites use here, in
// short versions; fine-tuning then teaches something new, and the suites measure what it
// changed (forgetting, length generalisation) rather than whether a format was ever seen.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "harness/data/rng.h"
#include "harness/spec/schema.h"

namespace tb {

// Bumped whenever the generated text changes, so cached base models are not reused.
inline constexpr int kPretrainMixtureVersion = 4;

struct MixtureWeights {
  double prose = 0.35;
  double copy = 0.15;
  double arithmetic = 0.1;               // plain addition of 0-99
  double reversed_arithmetic = 0.05;     // reversed-digit addition of 1-3 digits
  double chain = 0.15;                   // chained arithmetic, 1-4 hops, direct or chain of thought
  double long_context = 0.2;             // every long-context task, lengths up to the cap below
  int64_t long_context_max_tokens = 64;  // longest long-context document (BOS + prompt + answer)
  // A random string of 8-24 letters written twice: half its bytes can only be predicted by
  // finding the first copy, the in-context lookup (induction) every retrieval task needs.
  double repeat = 0;  // off by default, see repeat_weight
};

// The weights as spec options, "<part>_weight" for each part above with its default: the
// pretraining section's, and long_documents' (continued pretraining) options.
const Schema& mixture_weight_schema();
// `weights` with each "<part>_weight" that `options` gives.
MixtureWeights with_mixture_weights(const nlohmann::json& options, MixtureWeights weights = {});

// One document (no BOS/EOS) from the requested split; the split is decided by a hash of
// the document's problem (its text for prose and copying), so held-out material never
// appears in training.
std::string sample_mixture_document(Rng& rng, const MixtureWeights& weights, Split split);

// The mixture's formats as prompt -> answer items, exactly as the documents write them: the
// control tasks whose retention the forgetting suite measures.
enum class ControlTask { kCopy, kAddition, kReversedAddition, kChain, kPasskey };
struct ControlItem {
  std::string prompt, answer;
};
const std::vector<std::string>&
control_task_names();  // copy, addition, reversed_addition, chain, passkey
ControlItem make_control_item(ControlTask task, Rng& rng, Split split, int64_t max_tokens);

}  // namespace tb
