#include "harness/exec/child_process.h"

#include <signal.h>

#include <gtest/gtest.h>

#include "harness/common/files.h"
#include "harness/exec/progress.h"
#include "tests/test_util.h"

namespace tb {
namespace {

TEST(ChildProcess, ReportsExitCodesAndCapturesOutput) {
  testing::ScratchDir dir("child");
  const auto log = dir.path() / "log.txt";
  int64_t started_pid = 0;
  int ticks = 0;
  const ChildExit ok = run_child("/bin/sh", {"-c", "echo out; echo err >&2; sleep 0.3; exit 3"}, log,
                                 {{"TB_TEST_VALUE", "42"}}, [&](int64_t pid) { started_pid = pid; },
                                 [&] { ++ticks; }, 50);
  EXPECT_EQ(ok.exit_code, 3);
  EXPECT_EQ(ok.signal, 0);
  EXPECT_EQ(ok.describe(), "exit code 3");
  EXPECT_GT(started_pid, 0);
  EXPECT_GE(ticks, 2) << "the caller is called back while the child runs";
  EXPECT_EQ(read_file(log), "out\nerr\n");

  run_child("/bin/sh", {"-c", "echo $TB_TEST_VALUE"}, log, {{"TB_TEST_VALUE", "42"}}, nullptr, nullptr);
  EXPECT_EQ(read_file(log), "42\n") << "extra environment reaches the child; the log is truncated per start";
}

TEST(ChildProcess, ReportsTheKillingSignal) {
  testing::ScratchDir dir("child");
  const ChildExit killed = run_child("/bin/sh", {"-c", "kill -9 $$"}, dir.path() / "log.txt", {}, nullptr, nullptr);
  EXPECT_EQ(killed.signal, SIGKILL);
  EXPECT_EQ(killed.describe().rfind("killed by signal 9", 0), 0u) << killed.describe();
}

TEST(Progress, DurationsReadNaturally) {
  EXPECT_EQ(format_duration(5.4), "5s");
  EXPECT_EQ(format_duration(125), "2m05s");
  EXPECT_EQ(format_duration(3 * 3600 + 61), "3h01m");
  EXPECT_EQ(format_duration(-1), "?");
}

}  // namespace
}  // namespace tb
