// What a run records about where it ran: source commit, LibTorch version, device (the CPU
// model, or the GPU with its driver, CUDA and cuDNN versions), threads.
#pragma once
#include <torch/types.h>

#include "harness/store/run_result.h"

namespace tb {

const char* git_commit();  // generated at build time (cmake/GitVersion.cmake)
Environment current_environment(int64_t threads, const torch::Device& device = torch::kCPU);

}  // namespace tb
