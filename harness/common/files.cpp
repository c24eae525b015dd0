#include "harness/common/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "harness/common/check.h"

namespace tb {

namespace {

void write_all(int fd, const std::filesystem::path& file, const std::string& contents) {
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
    done += size_t(n);
  }
  // A full disk can surface only when the data reaches it.
  if (::fsync(fd) != 0) throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, const std::string& contents) {
  const std::filesystem::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
  try {
    write_all(fd, tmp, contents);
    if (::close(fd) != 0) {
      throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
    }
    std::filesystem::rename(tmp, path);
  } catch (...) {
    ::close(fd);  // EBADF when already closed: harmless
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw;
  }
}

bool is_temporary_file_name(const std::string& name) {
  const auto at = name.rfind(".tmp");
  if (at == std::string::npos || at == 0) return false;
  const std::string rest = name.substr(at + 4);
  if (rest.empty()) return true;
  return rest.size() > 1 && rest[0] == '.' &&
         std::all_of(rest.begin() + 1, rest.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int remove_temporary_files(const std::filesystem::path& dir) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec) || !is_temporary_file_name(entry.path().filename().string())) continue;
    if (std::filesystem::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UserError("cannot open " + path.string() + ": " + std::strerror(errno) +
                    " (check the path)");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string file_tail(const std::filesystem::path& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  const auto size = static_cast<size_t>(in.tellg());
  const size_t start = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(start));
  std::string out(size - start, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  return out;
}

std::string last_line(const std::filesystem::path& path) {
  std::string tail = file_tail(path, 4096);
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
  const auto pos = tail.rfind('\n');
  return pos == std::string::npos ? tail : tail.substr(pos + 1);
}

}  // namespace tb
