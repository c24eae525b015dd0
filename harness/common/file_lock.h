// An exclusive advisory lock on a file (flock), held for the object's lifetime and
// released by the kernel if the process dies. Used so that one coordinator at a time
// pretrains a base model that several sweeps need.
#pragma once
#include <filesystem>
#include <functional>

namespace tb {

class FileLock {
 public:
  // Creates `path` if needed and waits for the lock, calling `waiting()` every 250 ms
  // while another process holds it; `waiting()` returning false gives up (locked() false).
  FileLock(const std::filesystem::path& path, const std::function<bool()>& waiting);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool locked() const { return locked_; }

 private:
  int fd_ = -1;
  bool locked_ = false;
};

}  // namespace tb
