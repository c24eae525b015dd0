// `tunebench worker <dir>`: executes the job in <dir>/job.json in this process.
// kind "finetune": load the base model, prepare the method, train, merge, evaluate base
// vs tuned, write result.json. kind "pretrain": train a base model and write it to the
// cache. Returns the process exit code: 0 done, kRunFailedExitCode on a recorded failure,
// kInterruptedExitCode when stopped by a signal.
#pragma once
#include <filesystem>

namespace tb {

inline constexpr int kRunFailedExitCode = 3;
// Stopped by SIGTERM or SIGINT; when it stopped while training, a checkpoint was written.
inline constexpr int kInterruptedExitCode = 4;

int run_worker(const std::filesystem::path& dir);

}  // namespace tb
