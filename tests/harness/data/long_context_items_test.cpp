#include "harness/data/long_context_items.h"

#include <gtest/gtest.h>

#include <set>

#include "harness/data/haystack.h"

namespace tb {
namespace {

std::vector<LongContextTask> all_tasks() {
  std::vector<LongContextTask> out;
  for (const auto& name : long_context_task_names()) out.push_back(*parse_long_context_task(name));
  return out;
}

TEST(LongContextItems, LengthsAreExactInTokens) {
  const LongContextShape shape;
  for (LongContextTask task : all_tasks()) {
    const int64_t lo = long_context_min_length(task, shape);
    for (int64_t length : {lo, lo + 1, lo + 17, lo + 333}) {
      for (double depth : {0.0, 0.3, 1.0}) {
        Rng rng(uint64_t(length) * 7 + uint64_t(depth * 10));
        const auto item = make_long_context_item(task, shape, length, depth, rng, Split::kHeldOut);
        EXPECT_EQ(int64_t(item.prompt.size()) + 1, length)
            << long_context_task_name(task);  // + BOS
        EXPECT_LE(int64_t(item.answer.size()), long_context_max_answer_tokens(task, shape));
      }
    }
  }
}

TEST(LongContextItems, TheGoldNeedleSitsAtTheRequestedDepth) {
  const LongContextShape shape;
  // Tasks whose gold needle is the first thing inserted into the noise (or the JSON pair).
  for (const char* name : {"passkey", "niah_single", "variable_tracking"}) {
    const auto task = *parse_long_context_task(name);
    for (double depth : {0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0}) {
      Rng rng(11);
      const auto item = make_long_context_item(task, shape, 600, depth, rng, Split::kHeldOut);
      // Needles go to the start of the sentence containing depth * haystack: at most one
      // noise sentence (< 25 bytes) before the exact position.
      const double target = depth * double(item.haystack_bytes);
      EXPECT_LE(double(item.gold_offset), target + 0.5) << name << " depth " << depth;
      EXPECT_GT(double(item.gold_offset), target - 25) << name << " depth " << depth;
      EXPECT_EQ(item.prompt.compare(item.gold_offset, 4,
                                    name == std::string("variable_tracking") ? "VAR " : "The "),
                0);
    }
  }
  const auto kv = *parse_long_context_task("kv_retrieval");
  for (double depth : {0.0, 0.25, 0.5, 0.75, 1.0}) {
    Rng rng(3);
    const auto item = make_long_context_item(kv, shape, 500, depth, rng, Split::kHeldOut);
    // Count the pairs before the gold one: its index is round(depth * (pairs - 1)).
    size_t pairs = 0, before = 0;
    for (size_t at = item.prompt.find("\": \""); at != std::string::npos;
         at = item.prompt.find("\": \"", at + 1)) {
      before += at < item.gold_offset;
      ++pairs;
    }
    EXPECT_EQ(double(before), std::round(depth * double(pairs - 1))) << depth;
    EXPECT_EQ(item.prompt.substr(item.gold_offset + 11, 6), item.answer);  // "key": "value"
    EXPECT_NE(item.prompt.find("Key: \"" + item.prompt.substr(item.gold_offset + 1, 6) + "\""),
              std::string::npos);
  }
}

TEST(LongContextItems, AnswersAreInThePromptAndTheReferenceRulesScoreThem) {
  const LongContextShape shape{.multi = 3, .vt_hops = 3};
  for (LongContextTask task : all_tasks()) {
    Rng rng(5);
    const auto item = make_long_context_item(task, shape, 400, 0.5, rng, Split::kHeldOut);
    for (const auto& r : item.references) EXPECT_NE(item.prompt.find(r), std::string::npos);
    EXPECT_EQ(long_context_score(task, item, item.answer), 1.0) << long_context_task_name(task);
    EXPECT_EQ(long_context_score(task, item, ""), 0.0);
  }
  Rng rng(1);
  const auto passkey =
      make_long_context_item(LongContextTask::kPasskey, shape, 100, 0.5, rng, Split::kHeldOut);
  EXPECT_EQ(long_context_score(LongContextTask::kPasskey, passkey, "x " + passkey.answer + ". 7"),
            1.0);
  EXPECT_EQ(long_context_score(LongContextTask::kPasskey, passkey, passkey.answer + "0"), 0.0)
      << "the first integer must equal the key, not start with it";
  const auto multi = make_long_context_item(LongContextTask::kNiahMultivalue, shape, 300, 0.5, rng,
                                            Split::kHeldOut);
  ASSERT_EQ(multi.references.size(), 3u);
  EXPECT_NEAR(long_context_score(LongContextTask::kNiahMultivalue, multi,
                                 multi.references[2] + " and " + multi.references[0]),
              2.0 / 3.0, 1e-12)
      << "RULER string_match_all: the fraction of references found";
  const auto vt = make_long_context_item(LongContextTask::kVariableTracking, shape, 300, 0.2, rng,
                                         Split::kHeldOut);
  std::string lower;
  for (char c : vt.answer) lower.push_back(char(std::tolower(c)));
  EXPECT_EQ(long_context_score(LongContextTask::kVariableTracking, vt, lower), 1.0)
      << "case-insensitive";
}

TEST(LongContextItems, DeterministicPerSeedAndSplitsAreDisjoint) {
  const LongContextShape shape;
  for (LongContextTask task : all_tasks()) {
    Rng a(9), b(9), c(10);
    const auto x = make_long_context_item(task, shape, 300, 0.5, a, Split::kHeldOut);
    EXPECT_EQ(x.prompt, make_long_context_item(task, shape, 300, 0.5, b, Split::kHeldOut).prompt);
    EXPECT_NE(x.prompt, make_long_context_item(task, shape, 300, 0.5, c, Split::kHeldOut).prompt);
  }
  std::set<std::string> held;
  Rng h(1), t(2);
  for (int i = 0; i < 300; ++i) {
    const auto item =
        make_long_context_item(LongContextTask::kPasskey, shape, 80, 0.5, h, Split::kHeldOut);
    EXPECT_TRUE(in_split(item.core, Split::kHeldOut));
    held.insert(item.core);
  }
  for (int i = 0; i < 3000; ++i) {
    const auto item =
        make_long_context_item(LongContextTask::kPasskey, shape, 80, 0.5, t, Split::kTrain);
    ASSERT_EQ(held.count(item.core), 0u) << item.core;
  }
}

TEST(Haystack, NoiseIsCutToTheByteAndDepthsSnapToSentences) {
  EXPECT_EQ(noise_haystack(0), "");
  EXPECT_EQ(noise_haystack(1000).size(), 1000u);
  EXPECT_EQ(noise_haystack(25), "The grass is green. The s");
  const std::string h = noise_haystack(200);
  EXPECT_EQ(depth_offset(h, 0.0), 0u);
  EXPECT_EQ(depth_offset(h, 1.0), h.size());
  const size_t mid = depth_offset(h, 0.5);
  EXPECT_EQ(h.substr(mid - 2, 2), ". ");
  EXPECT_LE(mid, 100u);
}

}  // namespace
}  // namespace tb
