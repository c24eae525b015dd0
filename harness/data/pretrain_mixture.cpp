#include "harness/data/pretrain_mixture.h"

#include <array>
#include <string_view>

#include "harness/data/reverse_task.h"

namespace tb {
namespace {

constexpr std::array<std::string_view, 20> kNouns = {
    "cat", "dog", "bird", "fox", "man", "woman", "child", "river", "house", "tree",
    "king", "ship", "horse", "garden", "city", "teacher", "farmer", "stone", "book", "lamp"};
constexpr std::array<std::string_view, 14> kVerbs = {
    "sees", "finds", "likes", "follows", "carries", "watches", "paints",
    "builds", "holds", "visits", "moves", "hears", "helps", "calls"};
constexpr std::array<std::string_view, 12> kAdjectives = {
    "red", "small", "old", "quiet", "bright", "green", "tall", "young", "dark", "happy", "cold", "brave"};
constexpr std::array<std::string_view, 6> kPrepositions = {"near", "under", "behind", "beside", "over", "in"};
constexpr std::array<std::string_view, 3> kDeterminers = {"the", "a", "every"};

template <size_t N>
std::string_view pick(Rng& rng, const std::array<std::string_view, N>& words) {
  return words[rng.below(N)];
}

// Built by appending in sequence: the order of the random draws must be fixed, and the
// operands of a chain of operator+ may be evaluated in any order.
void append_noun_phrase(Rng& rng, std::string& out) {
  out.append(pick(rng, kDeterminers));
  if (rng.uniform() < 0.5) out.append(" ").append(pick(rng, kAdjectives));
  out.append(" ").append(pick(rng, kNouns));
}

void append_sentence(Rng& rng, std::string& out) {
  const size_t start = out.size();
  append_noun_phrase(rng, out);
  out.append(" ").append(pick(rng, kVerbs)).append(" ");
  append_noun_phrase(rng, out);
  if (rng.uniform() < 0.4) {
    out.append(" ").append(pick(rng, kPrepositions)).append(" ");
    append_noun_phrase(rng, out);
  }
  out.append(".");
  out[start] = static_cast<char>(out[start] - 'a' + 'A');
}

std::string prose(Rng& rng) {
  std::string doc;
  append_sentence(rng, doc);
  const int64_t extra = rng.between(0, 2);
  for (int64_t i = 0; i < extra; ++i) {
    doc.append(" ");
    append_sentence(rng, doc);
  }
  return doc;
}

std::string copy_document(Rng& rng) {
  const std::string w = ReverseTask::random_word(rng, 3, 8);
  return "copy(" + w + ")=" + w;
}

std::string addition(Rng& rng) {
  const int64_t a = rng.between(0, 99), b = rng.between(0, 99);
  return std::to_string(a) + "+" + std::to_string(b) + "=" + std::to_string(a + b);
}

std::string any_document(Rng& rng, const MixtureWeights& w) {
  const double total = w.prose + w.copy + w.arithmetic;
  const double u = rng.uniform() * total;
  if (u < w.prose) return prose(rng);
  if (u < w.prose + w.copy) return copy_document(rng);
  return addition(rng);
}

}  // namespace

std::string sample_mixture_document(Rng& rng, const MixtureWeights& weights, Split split) {
  while (true) {
    std::string doc = any_document(rng, weights);
    if (is_held_out(doc, 10) == (split == Split::kHeldOut)) return doc;
  }
}

}  // namespace tb
