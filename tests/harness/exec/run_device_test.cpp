// execution.device as a worker resolves it on a machine without a GPU (CI's): cpu and auto
// give the CPU, cuda fails with a message that says what to do, anything else is refused.
#include "harness/exec/run_device.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace tb {
namespace {

TEST(RunDevice, ResolvesCpuAutoAndRefusesAGpuThatIsNotThere) {
  EXPECT_EQ(resolve_run_device("cpu"), torch::Device(torch::kCPU));
  EXPECT_EQ(run_device_of(nlohmann::json::object()), torch::Device(torch::kCPU)) << "older jobs have no device";
  EXPECT_THROW(resolve_run_device("tpu"), std::runtime_error);
  if (torch::cuda::is_available()) GTEST_SKIP() << "this machine has a GPU: the refusals below do not apply";
  EXPECT_EQ(resolve_run_device("auto"), torch::Device(torch::kCPU));
  for (const char* name : {"cuda", "cuda:1"}) {
    try {
      resolve_run_device(name);
      ADD_FAILURE() << name << " resolved without a GPU";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("sees no GPU"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("use cpu or auto"), std::string::npos) << e.what();
    }
  }
}

TEST(RunDevice, ResolvesEveryVisibleGpu_CUDA) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no GPU visible to LibTorch";
  EXPECT_EQ(resolve_run_device("cuda"), torch::Device(torch::kCUDA, 0));
  EXPECT_EQ(resolve_run_device("auto"), torch::Device(torch::kCUDA, 0));
  const auto last = int64_t(torch::cuda::device_count()) - 1;
  EXPECT_EQ(resolve_run_device("cuda:" + std::to_string(last)), torch::Device(torch::kCUDA, c10::DeviceIndex(last)));
  EXPECT_THROW(resolve_run_device("cuda:" + std::to_string(last + 1)), std::runtime_error);
}

}  // namespace
}  // namespace tb
