#include "harness/exec/environment.h"

#include <torch/torch.h>

#include <fstream>

#include "harness/exec/gpu_facts.h"

namespace tb {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown CPU";
}

}  // namespace

Environment current_environment(int64_t threads, const torch::Device& device) {
  Environment e;
  e.git_commit = git_commit();
  e.torch_version = TORCH_VERSION;
  e.device = device.is_cuda() ? device.str() + " " + gpu_description(device) : "cpu (" + cpu_model() + ")";
  e.threads = threads;
  return e;
}

}  // namespace tb
