#include "evaluators/cached_responder.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

#include "tests/test_util.h"

namespace tb {
namespace {

// Answers with bytes no text format keeps as they are, and counts the queries it answers.
class CountingResponder : public Responder {
 public:
  explicit CountingResponder(int* answered) : answered_(answered) {}
  std::vector<Response> respond(const std::vector<Query>& queries) override {
    *answered_ += int(queries.size());
    std::vector<Response> out;
    const double odd[] = {-1.0 / 3.0, -std::numeric_limits<double>::infinity(), -0.0,
                          std::numeric_limits<double>::quiet_NaN()};
    for (size_t i = 0; i < queries.size(); ++i) {
      out.push_back({std::string("\xff\x00\"\\", 4) + queries[i].prompt, odd[i % 4]});
    }
    return out;
  }

 private:
  int* answered_;
};

const nlohmann::json kKey = {{"suite", "s"}, {"batch_size", 4}};

std::vector<Response> ask(const BaseCache& cache, const nlohmann::json& key,
                          const std::vector<Query>& queries, int* answered) {
  return CachedResponder(std::make_unique<CountingResponder>(answered), cache, key)
      .respond(queries);
}

std::vector<Query> queries() {
  return {{"a", "1", 2, ""}, {"bb", "2", 2, ""}, {"ccc", "3", 2, "\n"}, {"d", "4", 3, ""}};
}

TEST(CachedResponder, ASecondAskerGetsTheSameAnswersBitForBitWithoutTheModel) {
  testing::ScratchDir dir("cached-responder");
  const BaseCache cache(dir.path(), {{"model", "m"}});
  int answered = 0;
  const auto first = ask(cache, kKey, queries(), &answered);
  EXPECT_EQ(answered, 4);
  const auto second = ask(cache, kKey, queries(), &answered);
  EXPECT_EQ(answered, 4) << "answered from the cache";
  int direct = 0;
  const auto uncached = CountingResponder(&direct).respond(queries());
  ASSERT_EQ(second.size(), uncached.size());
  for (size_t i = 0; i < uncached.size(); ++i) {
    for (const auto& got : {first[i], second[i]}) {
      EXPECT_EQ(got.output, uncached[i].output);
      EXPECT_EQ(std::bit_cast<uint64_t>(got.answer_logprob),
                std::bit_cast<uint64_t>(uncached[i].answer_logprob));
    }
  }
}

TEST(CachedResponder, AnyChangeToTheQueriesOrTheKeyAsksTheModel) {
  testing::ScratchDir dir("cached-responder");
  const BaseCache cache(dir.path(), {{"model", "m"}});
  int answered = 0;
  ask(cache, kKey, queries(), &answered);
  std::vector<std::vector<Query>> changed(5, queries());
  changed[0][1].prompt = "bB";
  changed[1][1].answer = "22";
  changed[2][1].max_new_tokens = 3;
  changed[3][1].stop_text = "\n";
  changed[4].pop_back();
  for (const auto& q : changed) {
    const int before = answered;
    ask(cache, kKey, q, &answered);
    EXPECT_EQ(answered, before + int(q.size()));
  }
  const int before = answered;
  ask(cache, {{"suite", "s"}, {"batch_size", 8}}, queries(), &answered);
  EXPECT_EQ(answered, before + 4) << "another batch size";
}

}  // namespace
}  // namespace tb
