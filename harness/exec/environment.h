// What a run records about where it ran: source commit, LibTorch version, device, threads.
#pragma once
#include "harness/store/run_result.h"

namespace tb {

const char* git_commit();  // generated at build time (cmake/GitVersion.cmake)
Environment current_environment(int64_t threads);

}  // namespace tb
