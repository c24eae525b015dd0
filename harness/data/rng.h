// Deterministic random numbers for data generation (SplitMix64). Independent of
// LibTorch's generators so that the same seed gives the same data everywhere.
#pragma once
#include <cstdint>
#include <string_view>

namespace tb {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0.
  uint64_t below(uint64_t n) { return next() % n; }
  int64_t between(int64_t lo, int64_t hi) { return lo + int64_t(below(uint64_t(hi - lo + 1))); }
  double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }

 private:
  uint64_t state_;
};

// FNV-1a, for hash-based train/held-out splits of generated text.
inline uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// A fixed fraction of all possible items is held out for evaluation, chosen by hash,
// so that training and evaluation items are disjoint whatever the seeds.
inline bool is_held_out(std::string_view text, uint64_t one_in = 5) {
  return fnv1a(text) % one_in == 0;
}

// Which side of a hash split generated material is on. Generated evaluation material
// (pretraining mixture, long-context and reasoning items) uses one_in = 10.
enum class Split { kTrain, kHeldOut };
inline bool in_split(std::string_view core, Split split) {
  return is_held_out(core, 10) == (split == Split::kHeldOut);
}

}  // namespace tb
