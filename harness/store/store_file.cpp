#include "harness/store/store_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <set>

#include "harness/common/check.h"
#include "harness/common/strings.h"
#include "harness/store/sqlite.h"

namespace fs = std::filesystem;

namespace tb {
namespace {

const std::set<std::string> kStoreTables = {"sweeps", "runs", "evals"};

// The first 100 bytes of an SQLite file: the database header (sqlite.org/fileformat.html).
using Header = std::array<unsigned char, 100>;

uint32_t big_endian(const Header& h, size_t at) {
  return uint32_t(h[at]) << 24 | uint32_t(h[at + 1]) << 16 | uint32_t(h[at + 2]) << 8 |
         uint32_t(h[at + 3]);
}

// Reads the header and the size of `path`; "" or why the file cannot be read.
std::string read_header(const fs::path& path, Header& header, size_t& got, uintmax_t& size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::string("cannot be read (") + std::strerror(errno) + ")";
  const ssize_t n = ::pread(fd, header.data(), header.size(), 0);
  const int read_errno = errno;
  ::close(fd);
  if (n < 0) return std::string("cannot be read (") + std::strerror(read_errno) + ")";
  got = size_t(n);
  size = fs::file_size(path);
  return "";
}

// Why the header shows `path` is no whole SQLite database ("" when it may be one).
std::string header_problem(const fs::path& path, const Header& h, size_t got, uintmax_t size) {
  static const char kMagic[] = "SQLite format 3";  // and its terminating NUL: 16 bytes
  if (std::memcmp(h.data(), kMagic, std::min<size_t>(got, sizeof kMagic)) != 0) {
    return "not an SQLite database, so not a tunebench store";
  }
  if (got < h.size())
    return "truncated (" + std::to_string(size) + " bytes, less than an SQLite header)";
  // A writer keeps newer pages in the write-ahead log, and the file grows to the header's
  // page count only when they are copied back; without a log the file holds every page.
  std::error_code ec;
  const uintmax_t wal = fs::file_size(path.string() + "-wal", ec);
  const uint32_t raw_page_size = uint32_t(h[16]) << 8 | h[17];
  const uintmax_t page_size = raw_page_size == 1 ? 65536 : raw_page_size;
  const uint32_t pages = big_endian(h, 28);
  const bool pages_valid = pages > 0 && big_endian(h, 24) == big_endian(h, 92);
  if ((ec || wal == 0) && pages_valid && size < pages * page_size) {
    return "truncated (" + std::to_string(size) + " bytes where its header says " +
           std::to_string(pages * page_size) +
           "; an interrupted copy?): restore it from a complete copy";
  }
  return "";
}

// The names of the tables of the SQLite database at `path`, or the reason it cannot be read.
std::string read_tables(const fs::path& path, std::set<std::string>& tables) {
  try {
    Database db(path, /*read_only=*/true);
    Statement s(db.handle(), "SELECT name FROM sqlite_master WHERE type = 'table'");
    while (s.step()) tables.insert(s.column_text(0));
    return "";
  } catch (const SqliteError& e) {
    switch (e.code() & 0xff) {
      case SQLITE_CORRUPT:
        return "corrupt (SQLite: database disk image is malformed): restore it from a copy";
      case SQLITE_NOTADB:
        return "not an SQLite database, so not a tunebench store";
      default:
        return std::string("cannot be read (") + e.what() + ")";
    }
  }
}

// 0 when this process may write `path` and create files beside it, else why not (an errno).
int write_errno(const fs::path& path) {
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (fs::exists(path, ec) && ::access(path.c_str(), W_OK) != 0) return errno;
  return ::access(folder.c_str(), W_OK) == 0 ? 0 : errno;
}

// What is wrong with the contents of the existing file `path` as a store ("" if nothing).
// For kWrite an empty file or a database without tables is a store yet to be made.
std::string contents_problem(const fs::path& path, StoreUse use) {
  Header header{};
  size_t got = 0;
  uintmax_t size = 0;
  if (std::string why = read_header(path, header, got, size); !why.empty()) return why;
  if (size == 0) return use == StoreUse::kWrite ? "" : "an empty file, not a tunebench store";
  if (std::string why = header_problem(path, header, got, size); !why.empty()) return why;
  std::set<std::string> tables;
  if (std::string why = read_tables(path, tables); !why.empty()) return why;
  std::set<std::string> missing;
  for (const auto& t : kStoreTables) {
    if (!tables.count(t)) missing.insert(t);
  }
  if (missing.empty()) return "";
  if (tables.empty()) {
    return use == StoreUse::kWrite ? ""
                                   : "an SQLite database without tables, not a tunebench store";
  }
  return "an SQLite database without tunebench's tables " + joined(missing) +
         " (its tables: " + joined(tables) +
         "), so not a tunebench store; give the output folder of a sweep";
}

// Why a store cannot be created at the absent `path` ("" if it can): the nearest existing
// folder above it must be a folder this process may write.
std::string creation_problem(const fs::path& path) {
  std::error_code ec;
  fs::path above = fs::absolute(path, ec).parent_path();
  while (!above.empty() && !fs::exists(fs::symlink_status(above, ec)) && above != above.parent_path())
    above = above.parent_path();
  if (!fs::is_directory(above, ec)) return "cannot be created: " + above.string() + " is not a folder";
  if (::access(above.c_str(), W_OK) != 0) {
    return "cannot be created: " + above.string() + " is not writable (" + std::strerror(errno) + ")";
  }
  return "";
}

}  // namespace

bool store_writable(const fs::path& path) { return write_errno(path) == 0; }

std::string store_problem(const fs::path& path, StoreUse use) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found)
    return use == StoreUse::kWrite ? creation_problem(path) : "no such file";
  if (ec) return "cannot be reached (" + ec.message() + ")";
  if (!fs::is_regular_file(status)) return "not a file";
  if (std::string why = contents_problem(path, use); !why.empty()) return why;
  if (const int denied = use == StoreUse::kWrite ? write_errno(path) : 0; denied != 0) {
    return std::string("read-only here (") + std::strerror(denied) +
           "), and this command records into it: make it writable, or give another --out";
  }
  return "";
}

void require_store(const fs::path& path, StoreUse use) {
  if (const std::string problem = store_problem(path, use); !problem.empty()) {
    throw UserError(path.string() + ": " + problem);
  }
}

}  // namespace tb
