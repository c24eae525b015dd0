#include "harness/data/pretrain_mixture.h"

#include <array>
#include <string_view>

#include "harness/common/check.h"
#include "harness/data/long_context_items.h"
#include "harness/data/reasoning_items.h"
#include "harness/data/reverse_task.h"

namespace tb {
namespace {

constexpr std::array<std::string_view, 20> kNouns = {
    "cat",  "dog",  "bird",  "fox",    "man",  "woman",   "child",  "river", "house", "tree",
    "king", "ship", "horse", "garden", "city", "teacher", "farmer", "stone", "book",  "lamp"};
constexpr std::array<std::string_view, 14> kVerbs = {
    "sees",   "finds", "likes",  "follows", "carries", "watches", "paints",
    "builds", "holds", "visits", "moves",   "hears",   "helps",   "calls"};
constexpr std::array<std::string_view, 12> kAdjectives = {"red",    "small", "old",  "quiet",
                                                          "bright", "green", "tall", "young",
                                                          "dark",   "happy", "cold", "brave"};
constexpr std::array<std::string_view, 6> kPrepositions = {"near",   "under", "behind",
                                                           "beside", "over",  "in"};
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

ControlItem copy_item(Rng& rng, Split split) {
  while (true) {
    const std::string w = ReverseTask::random_word(rng, 3, 8);
    ControlItem item{"copy(" + w + ")=", w};
    if (in_split(item.prompt + item.answer, split)) return item;
  }
}

std::string repeat_document(Rng& rng, Split split) {
  while (true) {
    const std::string w = ReverseTask::random_word(rng, 8, 24);
    // Split by the word: the hash of "w w" is always odd (each byte twice), never held out.
    if (in_split(w, split)) return w + " " + w;
  }
}

ControlItem addition_item(Rng& rng, Split split) {
  while (true) {
    const int64_t a = rng.between(0, 99), b = rng.between(0, 99);
    const std::string problem = std::to_string(a) + "+" + std::to_string(b);
    if (in_split(problem, split)) return {problem + "=", std::to_string(a + b)};
  }
}

ControlItem reasoning_item(const ReasoningItem& item) { return {item.prompt, item.answer}; }

std::string document(const ControlItem& item) { return item.prompt + item.answer; }

// An item of up to max_tokens tokens: BOS and the prompt, and the answer too when the item
// is a training document (whose answer must fit its row).
ControlItem long_context_item(LongContextTask task, Rng& rng, Split split, int64_t max_tokens,
                              bool with_answer) {
  const LongContextShape shape{.multi = 2, .vt_hops = rng.between(1, 2)};
  const int64_t lo = long_context_min_length(task, shape);
  const int64_t hi = max_tokens - (with_answer ? long_context_max_answer_tokens(task, shape) : 0);
  const int64_t length = rng.between(lo, std::max(lo, hi));
  const double depth = rng.uniform();
  const LongContextItem item = make_long_context_item(task, shape, length, depth, rng, split);
  return {item.prompt, item.answer};
}

ControlItem chain_item(Rng& rng, Split split, int64_t max_hops) {
  const int64_t hops = rng.between(1, max_hops);
  const auto format = rng.below(2) == 0 ? ChainFormat::kDirect : ChainFormat::kChainOfThought;
  return reasoning_item(make_chain_item(hops, format, rng, split));
}

}  // namespace

std::string sample_mixture_document(Rng& rng, const MixtureWeights& w, Split split) {
  const double total =
      w.prose + w.copy + w.arithmetic + w.reversed_arithmetic + w.chain + w.long_context + w.repeat;
  double u = rng.uniform() * total;
  if ((u -= w.prose) < 0) {
    while (true) {
      std::string doc = prose(rng);
      if (in_split(doc, split)) return doc;
    }
  }
  if ((u -= w.copy) < 0) return document(copy_item(rng, split));
  if ((u -= w.arithmetic) < 0) return document(addition_item(rng, split));
  if ((u -= w.reversed_arithmetic) < 0) {
    const int64_t digits = rng.between(1, 3);
    return document(
        reasoning_item(make_addition_item(digits, AdditionFormat::kReversed, rng, split)));
  }
  if ((u -= w.chain) < 0) return document(chain_item(rng, split, 4));
  if ((u -= w.repeat) < 0) return repeat_document(rng, split);
  const auto task = LongContextTask(rng.below(long_context_task_names().size()));
  return document(long_context_item(task, rng, split, w.long_context_max_tokens, true));
}

namespace {

struct WeightOption {
  const char* name;
  double MixtureWeights::*weight;
  const char* help;
};

constexpr std::array<WeightOption, 7> kWeightOptions = {{
    {"prose_weight", &MixtureWeights::prose, "templated sentences"},
    {"copy_weight", &MixtureWeights::copy, "copy(abc)=abc"},
    {"arithmetic_weight", &MixtureWeights::arithmetic, "plain addition of 0-99"},
    {"reversed_arithmetic_weight", &MixtureWeights::reversed_arithmetic, "reversed-digit addition of 1-3 digits"},
    {"chain_weight", &MixtureWeights::chain, "chained arithmetic mod 10, 1-4 hops, direct and chain of thought"},
    {"long_context_weight", &MixtureWeights::long_context,
     "short long-context items (every task of the long_context suite) up to the row length"},
    {"repeat_weight", &MixtureWeights::repeat,
     "a random string of 8-24 letters written twice (in-context lookup); off by default"},
}};

}  // namespace

const Schema& mixture_weight_schema() {
  static const Schema schema = [] {
    const MixtureWeights defaults;
    Schema out;
    for (const WeightOption& o : kWeightOptions)
      out.push_back({.name = o.name, .type = FieldType::kNumber, .default_value = defaults.*o.weight, .min = 0,
                     .help = o.help});
    return out;
  }();
  return schema;
}

MixtureWeights with_mixture_weights(const nlohmann::json& options, MixtureWeights weights) {
  for (const WeightOption& o : kWeightOptions) {
    if (options.contains(o.name)) weights.*o.weight = options.at(o.name).get<double>();
  }
  return weights;
}

const std::vector<std::string>& control_task_names() {
  static const std::vector<std::string> names = {"copy", "addition", "reversed_addition", "chain",
                                                 "passkey"};
  return names;
}

ControlItem make_control_item(ControlTask task, Rng& rng, Split split, int64_t max_tokens) {
  switch (task) {
    case ControlTask::kCopy:
      return copy_item(rng, split);
    case ControlTask::kAddition:
      return addition_item(rng, split);
    case ControlTask::kReversedAddition:
      return reasoning_item(
          make_addition_item(rng.between(1, 3), AdditionFormat::kReversed, rng, split));
    case ControlTask::kChain:
      return chain_item(rng, split, 2);
    case ControlTask::kPasskey:
      return long_context_item(LongContextTask::kPasskey, rng, split, max_tokens, false);
  }
  TB_CHECK(false, "unhandled control task");
}

}  // namespace tb
