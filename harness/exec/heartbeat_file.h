// A run folder's heartbeat file (run_dir.h): the worker touches it every few seconds from
// a thread of its own, so that a coordinator that cannot ask a scheduler about the job
// (a Slurm job the controller has forgotten) can tell a running worker from a lost one.
#pragma once
#include <atomic>
#include <filesystem>
#include <thread>

namespace tb {

class HeartbeatFile {
 public:
  explicit HeartbeatFile(std::filesystem::path dir, double every_seconds = 5);
  ~HeartbeatFile();  // stops touching; the file stays
  HeartbeatFile(const HeartbeatFile&) = delete;
  HeartbeatFile& operator=(const HeartbeatFile&) = delete;

 private:
  std::filesystem::path file_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Seconds since the run folder's heartbeat was last touched; -1 when there is none.
double heartbeat_age_seconds(const std::filesystem::path& dir);

}  // namespace tb
