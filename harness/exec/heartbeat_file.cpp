#include "harness/exec/heartbeat_file.h"

#include <chrono>
#include <fstream>

#include "harness/exec/run_dir.h"

namespace tb {
namespace {

void touch(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) std::ofstream{file};
  std::filesystem::last_write_time(file, std::filesystem::file_time_type::clock::now(), ec);
}

}  // namespace

HeartbeatFile::HeartbeatFile(std::filesystem::path dir, double every_seconds)
    : file_(run_files::heartbeat(dir)) {
  touch(file_);
  thread_ = std::thread([this, every_seconds] {
    const auto every = std::chrono::duration<double>(every_seconds);
    auto next = std::chrono::steady_clock::now() + every;
    while (!stop_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (std::chrono::steady_clock::now() < next) continue;
      touch(file_);
      next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(every);
    }
  });
}

HeartbeatFile::~HeartbeatFile() {
  stop_ = true;
  thread_.join();
}

double heartbeat_age_seconds(const std::filesystem::path& dir) {
  std::error_code ec;
  const auto written = std::filesystem::last_write_time(run_files::heartbeat(dir), ec);
  if (ec) return -1;
  return std::chrono::duration<double>(std::filesystem::file_time_type::clock::now() - written).count();
}

}  // namespace tb
