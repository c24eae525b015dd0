#include "harness/data/long_documents_task.h"

namespace tb {
namespace {
// A blank line: a long-context document's query follows a single newline, so a document
// starting with a needle ("The pass key is 12345. ...") is never read as a query's answer.
const std::string kSeparator = "\n\n";
}  // namespace

std::string long_document(Rng& rng, const MixtureWeights& mixture, Split split, int64_t bytes) {
  MixtureWeights weights = mixture;
  weights.long_context_max_tokens = bytes;
  std::string text;
  for (int misses = 0; misses < 20;) {
    const std::string doc = sample_mixture_document(rng, weights, split);
    const size_t joined = text.size() + (text.empty() ? 0 : kSeparator.size()) + doc.size();
    if (joined > size_t(bytes)) {
      ++misses;
      continue;
    }
    text += (text.empty() ? "" : kSeparator) + doc;
    misses = 0;
  }
  return text;
}

TaskData LongDocumentsTask::data(int64_t train_items, int64_t eval_items, uint64_t seed,
                                 int64_t validation_items) const {
  TaskData out;
  auto items = [&](Split split, int64_t n, uint64_t stream, const std::string& name) {
    Rng rng(seed ^ stream);
    std::vector<TaskItem> made;
    for (int64_t i = 0; i < n; ++i)
      made.push_back({name + "-" + std::to_string(i), "", long_document(rng, weights_, split, length_)});
    return made;
  };
  out.train = items(Split::kTrain, train_items, 0x10c0ULL, "train");
  out.eval = items(Split::kHeldOut, eval_items, 0x10c1ULL, "heldout");
  out.validation = items(Split::kTrain, validation_items, 0x10c2ULL, "validation");
  return out;
}

}  // namespace tb
