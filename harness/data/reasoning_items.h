// Seeded generators of synthetic reasoning items for tiny models (exact match on the final
// answer):
// - chained arithmetic, an iGSM-lite (Ye et al. 2024, "Physics of Language Models 2.1",
//   arXiv 2407.20311, reduced to one chain): "q=3;x=q+4;m=x*2;m=?" -> "4", every value
//   mod 10, so a constant answer scores the chance level 1/10. The chain-of-thought format
//   starts with "steps: " and the answer writes every intermediate: "x=7;m=4;so 4". The
//   marker leads the prompt so that neither format's prompt is a prefix of the other's: a
//   model pretrained on both can tell which one is asked for.
// - multi-digit addition in plain ("123+456=" -> "579") and reversed-digit form, where
//   operands and result are written least-significant digit first ("r321+654=" -> "975"),
//   the format with which Lee et al. 2023 ("Teaching Arithmetic to Small Transformers",
//   arXiv 2307.03381, §4) make addition learnable for small models.
// Splits are decided by a hash of the problem (without its format), as for every generated
// evaluation material.
#pragma once
#include <cstdint>
#include <string>

#include "harness/data/rng.h"

namespace tb {

enum class ChainFormat { kDirect, kChainOfThought };
enum class AdditionFormat { kPlain, kReversed };

struct ReasoningItem {
  std::string prompt;        // what the model reads after BOS
  std::string answer;        // gold continuation (EOS follows)
  std::string final_answer;  // what the match rule compares
  std::string problem;       // the problem without its format; decides the split
};

// A chain of `hops` derived variables (hops >= 1) after one constant assignment.
ReasoningItem make_chain_item(int64_t hops, ChainFormat format, Rng& rng, Split split);
// Exact match of the final answer: the whole output (direct) or what follows the last
// "so " (chain of thought).
double chain_score(ChainFormat format, const ReasoningItem& item, const std::string& output);
// Longest gold answer of a chain of `hops` in tokens.
int64_t chain_max_answer_tokens(int64_t hops, ChainFormat format);

// Two operands of exactly `digits` digits (no leading zero).
ReasoningItem make_addition_item(int64_t digits, AdditionFormat format, Rng& rng, Split split);
// Exact match of the whole output.
double addition_score(const ReasoningItem& item, const std::string& output);

}  // namespace tb
