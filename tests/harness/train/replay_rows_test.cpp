// Replay in continual stages: the share of rows drawn from earlier stages' items, and the
// rows of a stage with nothing before it or no replay.
#include <gtest/gtest.h>

#include "harness/train/sft_batches.h"

namespace tb {
namespace {

std::vector<TaskItem> items(const std::string& tag, int n) {
  std::vector<TaskItem> out;
  for (int i = 0; i < n; ++i) out.push_back({tag + std::to_string(i), tag + std::to_string(i), "x"});
  return out;
}

int64_t from(const std::vector<TaskItem>& rows, char tag) {
  int64_t n = 0;
  for (const auto& r : rows) n += r.id[0] == tag;
  return n;
}

TEST(ReplayRows, DrawsTheReplayShareFromEarlierStagesPooled) {
  const auto now = items("c", 50), first = items("a", 10), second = items("b", 30);
  Rng rng(4);
  const auto rows = replay_rows(now, {&first, &second}, 20000, 0.25, rng);
  ASSERT_EQ(rows.size(), 20000u);
  const double earlier = double(from(rows, 'a') + from(rows, 'b')) / 20000.0;
  EXPECT_NEAR(earlier, 0.25, 0.015);  // 5 standard deviations of a binomial share
  // Pooled uniformly: the second stage has 3 times the first's items.
  EXPECT_NEAR(double(from(rows, 'b')) / double(from(rows, 'a') + from(rows, 'b')), 0.75, 0.03);
}

TEST(ReplayRows, NoReplayOrNothingEarlierDrawsOnlyTheCurrentStage) {
  const auto now = items("c", 5), first = items("a", 5);
  Rng rng(1);
  EXPECT_EQ(from(replay_rows(now, {&first}, 500, 0.0, rng), 'c'), 500);
  EXPECT_EQ(from(replay_rows(now, {}, 500, 0.9, rng), 'c'), 500);
  Rng a(9), b(9);
  const auto x = replay_rows(now, {&first}, 64, 0.5, a), y = replay_rows(now, {&first}, 64, 0.5, b);
  for (size_t i = 0; i < x.size(); ++i) EXPECT_EQ(x[i].id, y[i].id) << "the same stream gives the same rows";
}

}  // namespace
}  // namespace tb
