#include "harness/exec/process_identity.h"

#include <gtest/gtest.h>

#include <sstream>

#include "harness/exec/child_process.h"
#include "tests/test_util.h"

namespace tb {
namespace {

std::vector<std::string> fields(const std::string& identity) {
  std::istringstream in(identity);
  std::vector<std::string> out;
  for (std::string f; in >> f;) out.push_back(f);
  return out;
}

TEST(ProcessIdentity, ThisProcessIsAliveAndAnEndedOneIsGone) {
  const std::string me = this_process_identity();
  ASSERT_EQ(fields(me).size(), 4u) << me;
  EXPECT_FALSE(process_is_gone(me));

  testing::ScratchDir dir("identity");
  int64_t pid = 0;
  run_child("/bin/true", {}, dir.path() / "log.txt", {}, [&](int64_t p) { pid = p; }, nullptr);
  auto f = fields(me);
  EXPECT_TRUE(process_is_gone(f[0] + " " + f[1] + " " + std::to_string(pid) + " " + f[3]))
      << "that pid no longer runs";
  EXPECT_TRUE(process_is_gone(f[0] + " " + f[1] + " " + f[2] + " 1"))
      << "same pid, another start time: a reused pid";
  EXPECT_TRUE(process_is_gone(f[0] + " another-boot " + f[2] + " " + f[3])) << "the host rebooted";
  EXPECT_FALSE(process_is_gone("some-other-host " + f[1] + " 1 1"))
      << "another host's processes are judged by their heartbeat, not here";
  EXPECT_FALSE(process_is_gone("")) << "no identity: nothing to judge";
}

}  // namespace
}  // namespace tb
