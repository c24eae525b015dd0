#include "harness/common/files.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <fstream>

#include "tests/test_util.h"

namespace tb {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// A file-size limit fails writes the way a full disk does (EFBIG instead of ENOSPC).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    old_handler_ = ::signal(SIGXFSZ, SIG_IGN);  // a write error, not a signal
    ::getrlimit(RLIMIT_FSIZE, &old_);
    rlimit limited = old_;
    limited.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limited);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &old_);
    ::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit old_{};
  sighandler_t old_handler_;
};

TEST(WriteFileAtomically, AFailedWriteLeavesNeitherATemporaryFileNorAPartialTarget) {
  testing::ScratchDir dir("files");
  write_file_atomically(dir.path() / "result.json", "old");
  {
    const FileSizeLimit limit(4096);
    EXPECT_THROW(write_file_atomically(dir.path() / "result.json", std::string(100000, 'x')), std::runtime_error);
  }
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"result.json"});
  EXPECT_EQ(read_file(dir.path() / "result.json"), "old");
}

TEST(TemporaryFiles, OnlyTheWritersTemporaryFilesAreRecognisedAndRemoved) {
  EXPECT_TRUE(is_temporary_file_name("model.safetensors.tmp.4242"));
  EXPECT_TRUE(is_temporary_file_name("checkpoint.pt.tmp"));
  EXPECT_FALSE(is_temporary_file_name("notes.tmpl"));
  EXPECT_FALSE(is_temporary_file_name("result.json"));
  EXPECT_FALSE(is_temporary_file_name("data.tmp.x1"));
  EXPECT_FALSE(is_temporary_file_name(".tmp"));

  testing::ScratchDir dir("files");
  for (const char* name : {"result.json.tmp.17", "checkpoint.pt.tmp", "log.txt", "notes.tmpl"})
    std::ofstream(dir.path() / name) << "x";
  fs::create_directories(dir.path() / "inner");
  std::ofstream(dir.path() / "inner" / "a.tmp.3") << "x";
  EXPECT_EQ(remove_temporary_files(dir.path()), 2);
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"inner", "log.txt", "notes.tmpl"}));
  EXPECT_TRUE(fs::exists(dir.path() / "inner" / "a.tmp.3"));  // only the folder itself
}

}  // namespace
}  // namespace tb
