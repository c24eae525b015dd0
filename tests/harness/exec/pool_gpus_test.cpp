// The pool handing out GPUs (PoolOptions::gpu_ids) to stand-in workers: each job sees its
// own GPUs in CUDA_VISIBLE_DEVICES, no GPU is shared by two jobs at once, jobs wait for
// GPUs, and a job that needs more than the machine has is refused with the reason.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "harness/exec/local_launcher.h"
#include "harness/exec/pool.h"
#include "harness/exec/visible_gpus.h"
#include "tests/test_util.h"

namespace tb {
namespace {

namespace fs = std::filesystem;

// A task that logs "start <its GPUs>" and "end <its GPUs>" around a short sleep.
PoolTask gpu_task(const fs::path& dir, const std::string& id, int64_t gpus) {
  const std::string events = (dir / "events.txt").string();
  PoolTask t{id, "/bin/sh",
             {"-c", "echo start ${CUDA_VISIBLE_DEVICES-none} >> " + events + "; sleep 0.2; echo end ${CUDA_VISIBLE_DEVICES-none} >> " + events},
             dir / (id + ".log"), {}};
  t.gpus = gpus;
  return t;
}

std::vector<std::pair<std::string, std::string>> events_of(const fs::path& dir) {
  std::ifstream in(dir / "events.txt");
  std::vector<std::pair<std::string, std::string>> out;
  std::string what, gpus;
  while (in >> what >> gpus) out.emplace_back(what, gpus);
  return out;
}

PoolSummary run_with_gpus(const std::vector<PoolTask>& tasks, std::vector<std::string> gpu_ids,
                          std::vector<std::string>* refusals = nullptr) {
  LocalLauncher launcher;
  PoolOptions o;
  o.workers = int64_t(tasks.size());
  o.gpu_ids = std::move(gpu_ids);
  PoolHooks h;
  h.claim = [](const PoolTask&, int) { return true; };
  h.ended = [refusals](const PoolTask&, const Attempt& a, bool) {
    if (refusals != nullptr && !a.detail.empty()) refusals->push_back(a.detail);
  };
  return run_pool(tasks, launcher, o, h);
}

TEST(PoolGpus, EachJobGetsItsOwnGpuAndNoGpuServesTwoJobsAtOnce) {
  testing::ScratchDir dir("pool-gpus");
  std::vector<PoolTask> tasks;
  for (int i = 0; i < 7; ++i) tasks.push_back(gpu_task(dir.path(), "t" + std::to_string(i), 1));
  const PoolSummary s = run_with_gpus(tasks, {"0", "1", "2"});
  EXPECT_EQ(s.done, 7);
  std::set<std::string> held;
  size_t most = 0;
  for (const auto& [what, gpu] : events_of(dir.path())) {
    ASSERT_TRUE(gpu == "0" || gpu == "1" || gpu == "2") << "a job saw CUDA_VISIBLE_DEVICES=" << gpu;
    if (what == "start") {
      EXPECT_TRUE(held.insert(gpu).second) << "GPU " << gpu << " given to two jobs at once";
      most = std::max(most, held.size());
    } else {
      held.erase(gpu);
    }
  }
  EXPECT_LE(most, 3u) << "three GPUs: at most three one-GPU jobs at once";
}

TEST(PoolGpus, ATwoGpuJobWaitsForTwoFreeGpus) {
  testing::ScratchDir dir("pool-gpus");
  const std::vector<PoolTask> tasks = {gpu_task(dir.path(), "a", 2), gpu_task(dir.path(), "b", 2)};
  EXPECT_EQ(run_with_gpus(tasks, {"0", "1", "2"}).done, 2);
  const auto events = events_of(dir.path());
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0], std::make_pair(std::string("start"), std::string("0,1")));
  EXPECT_EQ(events[1].first, "end") << "the second job waits: one GPU is free, it needs two";
  EXPECT_EQ(events[2], std::make_pair(std::string("start"), std::string("0,1")));
}

TEST(PoolGpus, AJobNeedingMoreGpusThanTheMachineHasIsRefused) {
  testing::ScratchDir dir("pool-gpus");
  std::vector<std::string> refusals;
  const std::vector<PoolTask> tasks = {gpu_task(dir.path(), "big", 4), gpu_task(dir.path(), "small", 1)};
  const PoolSummary s = run_with_gpus(tasks, {"0", "1", "2"}, &refusals);
  EXPECT_EQ(s.done, 1);
  EXPECT_EQ(s.failed, 1);
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_NE(refusals[0].find("needs 4 GPUs and this machine has 3"), std::string::npos) << refusals[0];
}

TEST(PoolGpus, WithoutGpusToHandOutTheEnvironmentIsLeftAlone) {
  testing::ScratchDir dir("pool-gpus");
  EXPECT_EQ(run_with_gpus({gpu_task(dir.path(), "t", 1)}, {}).done, 1);
  const char* inherited = std::getenv("CUDA_VISIBLE_DEVICES");
  EXPECT_EQ(events_of(dir.path()).at(0).second, inherited == nullptr ? "none" : inherited);
}

TEST(VisibleGpus, ReadsCudaVisibleDevicesAsCudaDoes) {
  EXPECT_EQ(parse_visible_devices("0, 1,2"), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(parse_visible_devices(""), std::vector<std::string>{});
  EXPECT_EQ(parse_visible_devices("-1"), std::vector<std::string>{});
  EXPECT_EQ(parse_visible_devices("3,-1,2"), std::vector<std::string>{"3"}) << "CUDA stops at a negative entry";
  EXPECT_EQ(parse_visible_devices("GPU-8f2e1c,1"), (std::vector<std::string>{"GPU-8f2e1c", "1"}));
}

}  // namespace
}  // namespace tb
