#include <gtest/gtest.h>

#include "harness/data/reverse_task.h"
#include "harness/text/byte_tokenizer.h"
#include "harness/train/pretrain_batches.h"
#include "harness/train/sft_batches.h"
#include "harness/train/trainer.h"
#include "tests/test_util.h"

namespace tb {
namespace {

TEST(SftBatches, LossOnlyOnAnswerAndEos) {
  const std::vector<TaskItem> items = {{"rev(ab)=", "rev(ab)=", "ba"}, {"rev(abc)=", "rev(abc)=", "cba"}};
  const Batch b = make_sft_batch(items, {0, 1}, byte_tokenizer(), 1 << 20);
  // Longest sequence: BOS + 9 + 3 + EOS = 14 tokens -> 13 inputs.
  ASSERT_EQ(b.input_ids.sizes(), (std::vector<int64_t>{2, 13}));
  const auto labels = b.labels[1];
  for (int t = 0; t < 9; ++t) EXPECT_EQ(labels[t].item<int64_t>(), kIgnoreLabel) << t;
  EXPECT_EQ(labels[9].item<int64_t>(), 'c');   // input at 9 is '=' -> predicts the first answer byte
  EXPECT_EQ(labels[11].item<int64_t>(), 'a');
  EXPECT_EQ(labels[12].item<int64_t>(), 257);  // EOS
  // The shorter row is padded, with no loss on the padding.
  EXPECT_EQ(b.input_ids[0][12].item<int64_t>(), 258);
  EXPECT_EQ((b.labels[0] != kIgnoreLabel).sum().item<int64_t>(), 3);
}

TEST(PretrainBatches, LabelsAreInputsShiftedByOne) {
  Rng rng(0);
  const Batch b = make_pretrain_batch(rng, MixtureWeights{}, Split::kTrain, 3, 20, byte_tokenizer());
  EXPECT_TRUE(torch::equal(b.input_ids.narrow(1, 1, 19), b.labels.narrow(1, 0, 19)));
  EXPECT_EQ(b.input_ids[0][0].item<int64_t>(), 256) << "rows start at a document boundary";
}

// Whole documents of a token row: the spans from a BOS to the next EOS.
int64_t whole_documents(const torch::Tensor& row) {
  int64_t whole = 0;
  bool open = false;
  for (int64_t i = 0; i < row.size(0); ++i) {
    const int64_t t = row[i].item<int64_t>();
    if (t == kBosToken) open = true;
    if (t == kEosToken && open) ++whole, open = false;
  }
  return whole;
}

TEST(PretrainBatches, ADocumentThatDoesNotFitStartsTheNextRow) {
  MixtureWeights w{.prose = 0.5, .copy = 0, .arithmetic = 0, .reversed_arithmetic = 0,
                   .chain = 0, .long_context = 0.5, .long_context_max_tokens = 128, .repeat = 0};
  const int64_t rows = 200, width = 129;
  Rng rng(3);
  const Batch b = make_pretrain_batch(rng, w, Split::kTrain, rows, width - 1, byte_tokenizer());
  const auto tokens = torch::cat({b.input_ids, b.labels.narrow(1, width - 2, 1)}, 1);
  // The same documents packed back to back, each cut where its row ends.
  Rng replay(3);
  int64_t whole_cutting = 0;
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t filled = 0; filled < width;) {
      const auto doc = int64_t(sample_mixture_document(replay, w, Split::kTrain).size()) + 2;
      whole_cutting += filled + doc <= width;
      filled += doc;
    }
  }
  int64_t whole = 0;
  for (int64_t r = 0; r < rows; ++r) {
    EXPECT_EQ(tokens[r][0].item<int64_t>(), kBosToken);
    whole += whole_documents(tokens[r]);
  }
  EXPECT_GT(whole, whole_cutting + rows / 10) << "documents deferred, not cut";
}

TEST(LearningRate, WarmupThenCosine) {
  TrainingOptions o;
  o.steps = 110;
  o.warmup_steps = 10;
  o.lr = 1.0;
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 0), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 9), 1.0);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 10), 1.0);
  EXPECT_NEAR(learning_rate_at(o, 60), 0.5, 1e-12);
  EXPECT_NEAR(learning_rate_at(o, 110), 0.0, 1e-12);
  o.schedule = "linear";
  EXPECT_NEAR(learning_rate_at(o, 35), 0.75, 1e-12);
  o.schedule = "constant";
  EXPECT_EQ(learning_rate_at(o, 100), 1.0);
}

TEST(Trainer, LossFallsAndNonFiniteLossStopsTheRun) {
  torch::manual_seed(0);
  LlamaForCausalLM model(testing::tiny_config());
  ReverseTask task(2, 3);
  const TaskData data = make_task_data(task, 200, 10, 0);
  TrainingOptions o;
  o.steps = 60;
  o.lr = 3e-3;
  o.warmup_steps = 5;
  o.log_every = 10;
  Rng rng(0);
  auto batches = [&](int64_t) {
    std::vector<size_t> idx;
    for (int i = 0; i < 16; ++i) idx.push_back(rng.below(data.train.size()));
    return make_sft_batch(data.train, idx, byte_tokenizer(), 1 << 20);
  };
  std::vector<double> losses;
  train(model, model->parameters(), o, batches, nullptr, [&](int64_t, const std::string& name, double v) {
    if (name == "train_loss") losses.push_back(v);
  });
  ASSERT_EQ(losses.size(), 6u);
  EXPECT_LT(losses.back(), 0.6 * losses.front());

  o.lr = 1e30;  // diverges
  o.grad_clip = 0;
  EXPECT_THROW(train(model, model->parameters(), o, batches, nullptr, [](int64_t, const std::string&, double) {}),
               NonFiniteLoss);
}

}  // namespace
}  // namespace tb
