#include "harness/data/pretrain_mixture.h"

#include <gtest/gtest.h>

#include <map>
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

const MixtureWeights kCopyAndSums{.prose = 0,
                                  .copy = 0.75,
                                  .arithmetic = 0.25,
                                  .reversed_arithmetic = 0,
                                  .chain = 0,
                                  .long_context = 0,
                                  .repeat = 0};

TEST(PretrainMixture, FollowsTheWeightsAndIsDeterministic) {
  Rng a(3), b(3);
  int copies = 0, sums = 0;
  const int n = 5000;
  for (int i = 0; i < n; ++i) {
    const std::string doc = sample_mixture_document(a, kCopyAndSums, Split::kTrain);
    EXPECT_EQ(doc, sample_mixture_document(b, kCopyAndSums, Split::kTrain));
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
  for (int i = 0; i < 4; ++i)
    docs.push_back(sample_mixture_document(rng, MixtureWeights{}, Split::kTrain));
  EXPECT_EQ(kPretrainMixtureVersion, 4);
  EXPECT_EQ(docs, (std::vector<std::string>{
                      "q=4;u=q*8;x=u*2;m=x*3;r=m*1;r=?2",
                      "A fox carries the cold teacher behind a small fox. The city holds the book "
                      "beside a green bird.",
                      "The pass key is 15445. The grass \nThe pass key is 15445",
                      "The quiet fox likes the king.",
                  }));
}

}  // namespace
}  // namespace tb

namespace tb {
namespace {

// The suites measure what fine-tuning changed, so the base model must have seen every
// format they use, in short versions.
TEST(PretrainMixture, ContainsShortVersionsOfEverySuiteFormat) {
  Rng rng(7);
  MixtureWeights w;
  w.long_context_max_tokens = 96;
  std::map<std::string, int> seen;
  const std::vector<std::string> markers = {"The pass key is",
                                            "The magic number for ",
                                            "The magic numbers for ",
                                            "VAR ",
                                            "\nKey: \"",
                                            "steps: ",
                                            "=?",
                                            "copy(",
                                            "r"};
  for (int i = 0; i < 4000; ++i) {
    const std::string doc = sample_mixture_document(rng, w, Split::kTrain);
    for (const auto& m : markers)
      seen[m] += m == "r" ? doc.rfind("r", 0) == 0 && doc.find('+') != std::string::npos
                          : doc.find(m) != std::string::npos;
    const bool long_context =
        doc.find("The grass") != std::string::npos || doc.find("\nKey: ") != std::string::npos;
    if (long_context) {
      EXPECT_LE(doc.size() + 1, 96u) << "BOS, prompt and answer fit the cap: " << doc;
    }
  }
  for (const auto& m : markers) EXPECT_GT(seen[m], 20) << m;
}

}  // namespace
}  // namespace tb
