#include "harness/data/long_context_in_tokens.h"

#include <gtest/gtest.h>

#include "harness/text/byte_tokenizer.h"
#include "harness/text/hf_tokenizer.h"
#include "tests/reference_tokenizers.h"

namespace tb {
namespace {

TEST(LongContextInTokens, TheByteTokenizerGivesTheByteLengthItems) {
  for (const std::string& name : long_context_task_names()) {
    const LongContextTask task = *parse_long_context_task(name);
    const int64_t length = long_context_min_length(task, {}) + 40;
    Rng a(3), b(3);
    const auto bytes = make_long_context_item(task, {}, length, 0.3, a, Split::kHeldOut);
    const auto tokens = make_long_context_item_in_tokens(task, {}, length, 0.3, b, Split::kHeldOut, byte_tokenizer());
    EXPECT_EQ(bytes.prompt, tokens.prompt) << name;
    EXPECT_EQ(a.below(1u << 30), b.below(1u << 30)) << name << ": the same draws";
  }
}

// Items come to the requested length in the tokenizer's tokens (measured: at most one short)
// with the gold needle at its depth, for both tokenizer families.
TEST(LongContextInTokens, ItemsHaveTheRequestedLengthInRealTokens) {
  for (const std::string& family : {"llama2", "llama3"}) {
    const HfTokenizer tok(testing::reference_tokenizer_folder(family));
    for (const std::string& name : long_context_task_names()) {
      const LongContextTask task = *parse_long_context_task(name);
      const int64_t shortest = long_context_min_tokens(task, {}, tok);
      for (int64_t length : {shortest, shortest + 37, int64_t(400), int64_t(1500)}) {
        if (length < shortest) continue;
        for (double depth : {0.0, 0.5, 1.0}) {
          Rng rng(uint64_t(length) * 7 + uint64_t(depth * 10));
          const auto item = make_long_context_item_in_tokens(task, {}, length, depth, rng, Split::kHeldOut, tok);
          const int64_t measured = prompt_tokens(tok, item.prompt);
          EXPECT_LE(measured, length) << family << " " << name << " " << length << " " << depth;
          // kv_retrieval grows in whole pairs (~13 tokens) and in runs of spaces, which BPE merges.
          const int64_t slack = task == LongContextTask::kKvRetrieval ? std::max<int64_t>(16, length / 10) : 1;
          EXPECT_GE(measured, length - slack) << family << " " << name << " " << length << " " << depth;
          const double relative = double(item.gold_offset) / double(item.prompt.size());
          if (length >= 400) EXPECT_NEAR(relative, depth, 0.15) << family << " " << name << " " << length;
        }
      }
      EXPECT_LE(int64_t(tok.encode("48213").size()),
                long_context_answer_token_bound(LongContextTask::kPasskey, {}, tok));
    }
  }
}

}  // namespace
}  // namespace tb
