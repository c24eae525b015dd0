#include "harness/exec/deferred_writes.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace tb {
namespace {

TEST(DeferredWrites, AFailedWriteIsKeptAndSucceedsOnALaterTry) {
  DeferredWrites writes;
  int disk_full_for = 2, recorded = 0;
  const auto error = writes.attempt("run-a", [&] {
    if (disk_full_for-- > 0) throw std::runtime_error("database or disk is full");
    ++recorded;
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(*error, "database or disk is full");
  EXPECT_EQ(writes.pending(), std::vector<std::string>{"run-a"});
  writes.retry();  // still full
  EXPECT_EQ(recorded, 0);
  EXPECT_EQ(writes.pending(), std::vector<std::string>{"run-a"});
  writes.retry();
  EXPECT_EQ(recorded, 1);
  EXPECT_TRUE(writes.pending().empty());
  writes.retry();
  EXPECT_EQ(recorded, 1) << "a write that succeeded is not repeated";
}

TEST(DeferredWrites, ALaterWriteOfTheSameKeyReplacesTheKeptOne) {
  DeferredWrites writes;
  std::string stored;
  bool full = true;
  writes.attempt("run-a", [&] {
    if (full) throw std::runtime_error("full");
    stored = "attempt 1";
  });
  EXPECT_FALSE(writes.attempt("run-a", [&] { stored = "attempt 2"; }).has_value());
  EXPECT_TRUE(writes.pending().empty());
  full = false;
  writes.retry();
  EXPECT_EQ(stored, "attempt 2");
}

}  // namespace
}  // namespace tb
