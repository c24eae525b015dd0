// Pins what the synthetic base models see through the byte tokenizer: the token ids of
// pretraining, fine-tuning and Masked Thought batches, and the base model's cache key. The
// models are a function of these ids (and of the unchanged model code), so equal hashes
// mean cached base models are reused and the README's figures reproduce bit for bit. The
// hashes were taken before the tokenizer interface existed; integers, so no machine's
// floating point can move them.
#include <gtest/gtest.h>

#include "harness/common/sha256.h"
#include "harness/data/long_context_in_tokens.h"
#include "harness/data/reverse_task.h"
#include "harness/spec/spec.h"
#include "harness/text/byte_tokenizer.h"
#include "harness/train/masked_thought.h"
#include "harness/train/pretrain.h"
#include "harness/train/pretrain_batches.h"
#include "harness/train/sft_batches.h"

namespace tb {
namespace {

std::string ids_hash(const std::vector<torch::Tensor>& tensors) {
  std::string bytes;
  for (const auto& t : tensors) {
    const auto c = t.to(torch::kInt64).contiguous();
    bytes.append(static_cast<const char*>(c.data_ptr()), size_t(c.numel()) * sizeof(int64_t));
  }
  return sha256_hex(bytes);
}

TEST(ByteTokenizerPin, PretrainingBatchesAreUnchanged) {
  Rng rng(7);
  std::vector<torch::Tensor> all;
  for (int i = 0; i < 3; ++i) {
    const Batch b = make_pretrain_batch(rng, MixtureWeights{}, Split::kTrain, 4, 96, byte_tokenizer());
    all.push_back(b.input_ids);
    all.push_back(b.labels);
  }
  EXPECT_EQ(ids_hash(all), "6107246a5920c252f0ad451d97b673d4f4b52e906fb8e0e06ec9aa1822307493");
}

TEST(ByteTokenizerPin, FineTuningAndMaskedThoughtBatchesAreUnchanged) {
  ReverseTask task(3, 5);
  const TaskData data = make_task_data(task, 64, 8, 0);
  std::vector<size_t> idx(16);
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = 3 * i;
  const Batch b = make_sft_batch(data.train, idx, byte_tokenizer(), 1 << 20);
  Rng rng(1);
  const Batch random = mask_response_inputs(b, 0.5, true, rng, byte_tokenizer());
  const Batch pad = mask_response_inputs(b, 0.5, false, rng, byte_tokenizer());
  EXPECT_EQ(ids_hash({b.input_ids, b.labels, b.response, random.input_ids, pad.input_ids}),
            "cbe22fe6d3c93d8a012394577b23b3d68b694dd3b64f5bc88f4b848291d13bd8");
}

TEST(ByteTokenizerPin, LongContextItemsAreUnchanged) {
  std::string all;
  for (const std::string& name : long_context_task_names()) {
    const int64_t shortest = long_context_min_length(*parse_long_context_task(name), {});
    for (int64_t length : {shortest + 5, shortest + 150}) {
      for (double depth : {0.0, 0.5, 1.0}) {
        Rng rng(fnv1a(name) + uint64_t(length));
        const auto item = make_long_context_item(*parse_long_context_task(name), {}, length, depth,
                                                 rng, Split::kHeldOut);
        all +=
            item.prompt + '\x1f' + item.answer + '\x1f' + std::to_string(rng.below(1000000)) + '\n';
      }
    }
  }
  EXPECT_EQ(sha256_hex(all), "22616b60505f78e3c961634a918920c2c82cd5381c870e0c59745ad9c7feac19");
}

TEST(ByteTokenizerPin, QuickstartBaseModelKeepsItsCacheKey) {
  const Spec spec = load_spec(TUNEBENCH_SOURCE_DIR "/experiments/quickstart.json");
  EXPECT_EQ(base_model_path("models", spec.base_model).parent_path().filename().string(),
            "117ad6dacc360d7a");
}

}  // namespace
}  // namespace tb
