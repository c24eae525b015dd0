#include "harness/data/pretrain_mixture.h"

#include <gtest/gtest.h>

#include <set>

namespace tb {
namespace {

TEST(PretrainMixture, HeldOutDocumentsNeverAppearInTraining) {
  Rng train_rng(1), held_rng(2);
  const MixtureWeights w;
  std::set<std::string> held;
  for (int i = 0; i < 2000; ++i) held.insert(sample_mixture_document(held_rng, w, Split::kHeldOut));
  for (int i = 0; i < 20000; ++i) {
    const std::string doc = sample_mixture_document(train_rng, w, Split::kTrain);
    ASSERT_EQ(held.count(doc), 0u) << doc;
  }
}

TEST(PretrainMixture, FollowsTheWeightsAndIsDeterministic) {
  Rng a(3), b(3);
  int copies = 0, sums = 0;
  const int n = 5000;
  for (int i = 0; i < n; ++i) {
    const std::string doc = sample_mixture_document(a, {0.0, 0.75, 0.25}, Split::kTrain);
    EXPECT_EQ(doc, sample_mixture_document(b, {0.0, 0.75, 0.25}, Split::kTrain));
    copies += doc.rfind("copy(", 0) == 0;
    sums += doc.find('+') != std::string::npos;
  }
  EXPECT_EQ(copies + sums, n) << "no prose at weight 0";
  EXPECT_NEAR(double(copies) / n, 0.75, 0.03);  // ~5 standard errors
}

}  // namespace
}  // namespace tb

namespace tb {
namespace {

// The generated text is part of every cached base model's identity: if this test fails,
// the generator changed; bump kPretrainMixtureVersion and update the expected strings.
TEST(PretrainMixture, GeneratedTextIsPinned) {
  Rng rng(42);
  std::vector<std::string> docs;
  for (int i = 0; i < 4; ++i) docs.push_back(sample_mixture_document(rng, MixtureWeights{}, Split::kTrain));
  EXPECT_EQ(kPretrainMixtureVersion, 2);
  EXPECT_EQ(docs, (std::vector<std::string>{
                      "copy(kquu)=kquu",
                      "Every old river paints every farmer in the red horse. The horse watches a fox.",
                      "copy(pottxvu)=pottxvu",
                      "A bright tree builds every young book.",
                  }));
}

}  // namespace
}  // namespace tb
