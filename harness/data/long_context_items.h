// Seeded generators of long-context items, each built to an exact token length with its
// gold needle at a requested depth. The formats follow the reference benchmarks, with
// shorter wording, laid out to a length in bytes (the byte tokenizer's tokens;
// long_context_in_tokens.h measures other tokenizers):
// - passkey (Mohtashami & Jaggi 2023, landmark-attention run_test.py): noise filler,
//   "The pass key is 48213. ", then the answer prefix "The pass key is " -> "48213" (the
//   question before the prefix is dropped: the prefix alone asks it).
// - niah_single / niah_multikey / niah_multivalue / niah_multiquery (RULER, Hsieh et al.
//   2024, arXiv 2404.06654, niah.py with the noise haystack, answer prefix only): needles "The
//   magic number for qxzf is 4821391. " with K keys, V values per key, Q queried keys.
// - variable_tracking (RULER vt): "VAR ABCDE = 12345. " then hops "VAR FGHIJ = VAR ABCDE. ";
//   the answer is every variable of the chain.
// - kv_retrieval (Liu et al. 2023, "Lost in the Middle", arXiv 2307.03172,
//   make_kv_retrieval_data.py): a JSON object of 6-hex-digit pairs that fills the length,
//   the gold pair at index round(depth * (n - 1)).
// Which split (train / held-out) an item belongs to is decided by a hash of its gold facts,
// so the pretraining mixture never contains an evaluation item's facts.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/data/rng.h"

namespace tb {

enum class LongContextTask {
  kPasskey,
  kNiahSingle,
  kNiahMultikey,
  kNiahMultivalue,
  kNiahMultiquery,
  kVariableTracking,
  kKvRetrieval,
};

struct LongContextShape {
  int64_t multi = 4;    // K, V or Q of the niah_multi* tasks (RULER: 4)
  int64_t vt_hops = 2;  // hops after the first assignment in variable_tracking
};

struct LongContextItem {
  std::string prompt;                   // what the model reads after BOS
  std::string answer;                   // gold continuation (EOS follows)
  std::vector<std::string> references;  // strings the output must contain
  size_t gold_offset = 0;               // byte offset of the (first) gold needle in prompt
  size_t haystack_bytes = 0;            // bytes of filler (or of the JSON object) in prompt
  std::string core;                     // the gold facts; decides the split
};

const std::vector<std::string>& long_context_task_names();
std::optional<LongContextTask> parse_long_context_task(const std::string& name);
const std::string& long_context_task_name(LongContextTask task);

// Shortest length (BOS + prompt tokens) an item of `task` can be built to.
int64_t long_context_min_length(LongContextTask task, const LongContextShape& shape);
// Longest gold answer in tokens (EOS excluded).
int64_t long_context_max_answer_tokens(LongContextTask task, const LongContextShape& shape);

// An item whose BOS + prompt is exactly `length` tokens (>= the minimum), its first gold
// needle at relative depth `depth` in [0, 1], its gold facts in `split`.
LongContextItem make_long_context_item(LongContextTask task, const LongContextShape& shape,
                                       int64_t length, double depth, Rng& rng, Split split);

// The match rule of the task's reference benchmark, in [0, 1]:
// passkey: the first integer in the output equals the key (landmark-attention);
// niah_* and variable_tracking: the fraction of references contained in the output,
// case-insensitively (RULER string_match_all); kv_retrieval: the gold value is a
// substring of the output (Lost in the Middle's best_subspan_em).
double long_context_score(LongContextTask task, const LongContextItem& item,
                          const std::string& output);

}  // namespace tb
