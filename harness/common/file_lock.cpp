#include "harness/common/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace tb {

FileLock::FileLock(const std::filesystem::path& path, const std::function<bool()>& waiting) {
  fd_ = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot open lock file " + path.string());
  while (!(locked_ = ::flock(fd_, LOCK_EX | LOCK_NB) == 0)) {
    if (!waiting()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

}  // namespace tb
