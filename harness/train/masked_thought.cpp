#include "harness/train/masked_thought.h"

#include <torch/torch.h>

#include <algorithm>


namespace tb {

double masked_thought_rate_at(const TrainingOptions& o, int64_t step) {
  const double p_max = o.masked_thought_rate;
  if (o.masked_thought_warmup <= 0) return p_max;
  return std::min(p_max * double(step) / (o.masked_thought_warmup * double(o.steps) + 1.0), p_max);
}

int64_t random_ordinary_token(Rng& rng, const Tokenizer& tok) {
  int64_t ordinary = tok.vocab_size();
  while (ordinary > 1 && tok.is_special(ordinary - 1)) --ordinary;
  int64_t id = 0;
  do {
    id = int64_t(rng.below(uint64_t(ordinary)));
  } while (tok.is_special(id));
  return id;
}

Batch mask_response_inputs(const Batch& batch, double rate, bool random_tokens, Rng& rng, const Tokenizer& tok) {
  Batch out{batch.input_ids.clone(), batch.labels, batch.response};
  if (rate <= 0) return out;
  auto ids = out.input_ids.accessor<int64_t, 2>();
  const auto response = batch.response.accessor<bool, 2>();
  for (int64_t r = 0; r < ids.size(0); ++r) {
    std::vector<int64_t> candidates;
    for (int64_t p = 0; p < ids.size(1); ++p) {
      if (response[r][p]) candidates.push_back(p);
    }
    int64_t n = 0;  // Binomial(#candidates, rate)
    for (size_t i = 0; i < candidates.size(); ++i) n += rng.uniform() < rate ? 1 : 0;
    // The first n of a partial Fisher-Yates shuffle: n positions without replacement.
    for (int64_t i = 0; i < n; ++i) {
      const size_t j = size_t(i) + rng.below(candidates.size() - size_t(i));
      std::swap(candidates[size_t(i)], candidates[j]);
      ids[r][candidates[size_t(i)]] = random_tokens ? random_ordinary_token(rng, tok) : tok.special().pad;
    }
  }
  return out;
}

}  // namespace tb
