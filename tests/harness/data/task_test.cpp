#include "harness/data/task.h"

#include <gtest/gtest.h>

#include <set>

#include "harness/common/check.h"
#include "harness/data/long_documents_task.h"
#include "harness/data/reverse_task.h"
#include "harness/data/word_map_task.h"

namespace tb {
namespace {

TEST(ReverseTask, ItemsAreCorrect) {
  ReverseTask task(3, 6);
  Rng rng(1);
  for (int i = 0; i < 100; ++i) {
    const TaskItem item = task.sample(rng);
    const std::string word = item.prompt.substr(4, item.prompt.size() - 6);
    EXPECT_EQ(item.prompt, "rev(" + word + ")=");
    EXPECT_EQ(item.answer, std::string(word.rbegin(), word.rend()));
    EXPECT_GE(word.size(), 3u);
    EXPECT_LE(word.size(), 6u);
  }
}

TEST(TaskData, TrainAndEvalAreDisjointAndDeterministic) {
  ReverseTask task(3, 6);
  const TaskData a = make_task_data(task, 2000, 300, 7);
  const TaskData b = make_task_data(task, 2000, 300, 7);
  ASSERT_EQ(a.train.size(), 2000u);
  ASSERT_EQ(a.eval.size(), 300u);
  std::set<std::string> train_ids;
  for (size_t i = 0; i < a.train.size(); ++i) {
    train_ids.insert(a.train[i].id);
    EXPECT_EQ(a.train[i].id, b.train[i].id);
  }
  EXPECT_EQ(train_ids.size(), a.train.size()) << "no duplicates";
  for (const auto& item : a.eval) EXPECT_EQ(train_ids.count(item.id), 0u) << item.id;
  // Disjoint across seeds too: the split is a property of the item, not of the draw.
  const TaskData c = make_task_data(task, 2000, 300, 8);
  for (const auto& item : c.eval) EXPECT_EQ(train_ids.count(item.id), 0u) << item.id;
}

TEST(TaskData, ValidationItemsAreNewAndLeaveTrainAndEvalAlone) {
  ReverseTask task(3, 6);
  const TaskData plain = make_task_data(task, 2000, 300, 7);
  const TaskData with = make_task_data(task, 2000, 300, 7, 250);
  ASSERT_EQ(with.validation.size(), 250u);
  EXPECT_TRUE(plain.validation.empty());
  std::set<std::string> seen;
  for (size_t i = 0; i < plain.train.size(); ++i) {
    EXPECT_EQ(with.train[i].id, plain.train[i].id);
    seen.insert(with.train[i].id);
  }
  for (size_t i = 0; i < plain.eval.size(); ++i) {
    EXPECT_EQ(with.eval[i].id, plain.eval[i].id);
    seen.insert(with.eval[i].id);
  }
  for (const auto& item : with.validation) {
    EXPECT_TRUE(seen.insert(item.id).second) << item.id << " is also a training, test or validation item";
  }
}

TEST(TaskData, TooSmallAnItemSpaceIsAUserError) {
  ReverseTask task(1, 1);  // 26 words in all
  EXPECT_THROW(make_task_data(task, 100, 10, 0), UserError);
}

// A task of 5 items that counts its draws.
class FiveItems : public Task {
 public:
  TaskItem sample(Rng& rng) const override {
    ++draws;
    const std::string id = "item" + std::to_string(rng.below(5));
    return {id, id, "x"};
  }
  mutable int64_t draws = 0;
};

TEST(TaskData, GivesUpSoonAfterTheItemSpaceIsExhausted) {
  FiveItems task;
  try {
    make_task_data(task, 100000, 10, 0);
    FAIL() << "5 items cannot make 100000";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("too few distinct items for train_items=100000"),
              std::string::npos)
        << e.what();
  }
  // Not 50 draws per requested item: a bounded number once no new item comes.
  EXPECT_LT(task.draws, 5000);
}

}  // namespace
}  // namespace tb

namespace tb {
namespace {

TEST(WordMapTasks, EachMapsByItsRule) {
  EXPECT_EQ(map_word(WordMap::kSortLetters, "kxqa", 0), "akqx");
  EXPECT_EQ(map_word(WordMap::kCaesar, "abz", 3), "dec");
  EXPECT_EQ(map_word(WordMap::kCaesar, "xyz", 25), "wxy");
  EXPECT_EQ(map_word(WordMap::kUppercase, "kxqa", 0), "KXQA");
}

TEST(WordMapTasks, ItemsAreCallsInTheMixturesStyle) {
  const std::vector<std::pair<WordMap, std::string>> maps = {
      {WordMap::kSortLetters, "sort("}, {WordMap::kCaesar, "shift("}, {WordMap::kUppercase, "upper("}};
  for (const auto& [map, head] : maps) {
    WordMapTask task(map, 3, 5, 2);
    Rng rng(3);
    for (int i = 0; i < 50; ++i) {
      const TaskItem item = task.sample(rng);
      ASSERT_EQ(item.prompt.rfind(head, 0), 0u) << item.prompt;
      const std::string word = item.prompt.substr(head.size(), item.prompt.size() - head.size() - 2);
      EXPECT_EQ(item.prompt, head + word + ")=");
      EXPECT_EQ(item.answer, map_word(map, word, 2));
      EXPECT_GE(word.size(), 3u);
      EXPECT_LE(word.size(), 5u);
    }
  }
}

}  // namespace
}  // namespace tb

namespace tb {
namespace {

// long_documents draws from the mixture it is given: prose alone has no digits, the
// long-context part alone is needles in haystacks and key-value objects; each item fills
// its length.
TEST(LongDocumentsTask, DrawsFromTheGivenMixture) {
  const MixtureWeights prose_only{
      .prose = 1, .copy = 0, .arithmetic = 0, .reversed_arithmetic = 0, .chain = 0, .long_context = 0, .repeat = 0};
  MixtureWeights long_context_only = prose_only;
  long_context_only.prose = 0;
  long_context_only.long_context = 1;
  const TaskData prose = LongDocumentsTask(200, prose_only).data(20, 4, 1, 0);
  const TaskData retrieval = LongDocumentsTask(200, long_context_only).data(20, 4, 1, 0);
  for (const auto& item : prose.train) {
    EXPECT_EQ(item.answer.find_first_of("0123456789"), std::string::npos) << item.answer;
    EXPECT_GT(item.answer.size(), 150u);
    EXPECT_LE(item.answer.size(), 200u);
  }
  for (const auto& item : retrieval.train) {
    EXPECT_EQ(item.prompt, "");
    EXPECT_LE(item.answer.size(), 200u);
    int queries = 0;  // every long-context document ends with its query
    for (const char* query : {"The pass key is ", "The magic number", "The variables equal", "Key: \""})
      queries += item.answer.find(query) != std::string::npos;
    EXPECT_GT(queries, 0) << item.answer;
    EXPECT_EQ(item.answer.find(" sees "), std::string::npos) << "no prose";
  }
}

}  // namespace
}  // namespace tb
