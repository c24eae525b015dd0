// Where a report goes and what it may replace: folder names that are never dots or paths,
// and a report that replaces only a report folder tunebench wrote.
#include "harness/report/report.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <map>

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/store/store.h"
#include "tests/harness/report/report_fixture.h"
#include "tests/test_util.h"

namespace tb {
namespace {

namespace fs = std::filesystem;

std::string folder_name(const std::string& sweep) {
  return default_report_folder("out", sweep).filename().string();
}

TEST(ReportFolder, ASweepNameNeverBecomesDotsAHiddenFolderOrAPath) {
  EXPECT_EQ(default_report_folder("out", "quickstart"), fs::path("out/reports/quickstart"));
  EXPECT_EQ(folder_name("lr sweep (v2)"), "lr_sweep__v2_");
  EXPECT_EQ(folder_name("a.b-c_d"), "a.b-c_d");
  // Names an older version accepted, or a store written by hand, may be anything.
  EXPECT_EQ(folder_name(".."), "_.");
  EXPECT_EQ(folder_name("."), "_");
  EXPECT_EQ(folder_name(""), "_");
  EXPECT_EQ(folder_name(".hidden"), "_hidden");
  EXPECT_EQ(folder_name("../../etc"), "_._.._etc");
  EXPECT_EQ(folder_name(std::string(300, 'x')),
            std::string(100, 'x'));  // within a file name's limit
}

class WriteReportFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_fixture_sweep(dir_.path() / "tunebench.sqlite", "fixture",
                                 testing::fixture_runs());
    Store store(dir_.path() / "tunebench.sqlite");
    report_ = build_report(store, RunFilter{"fixture", {}});
  }
  // Every path under the scratch folder with its contents ("/" for a folder, "->" for a link).
  std::map<std::string, std::string> everything() const {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_.path())) {
      const std::string path = e.path().lexically_relative(dir_.path()).string();
      out[path] = e.is_symlink()     ? "->" + fs::read_symlink(e.path()).string()
                  : e.is_directory() ? "/"
                                     : read_file(e.path());
    }
    return out;
  }
  testing::ScratchDir dir_{"report-folder"};
  Report report_;
};

TEST_F(WriteReportFolder, WritesANewFolderAndReplacesOnlyItsOwn) {
  const fs::path to = dir_.path() / "reports" / "r";
  const auto files = write_report_folder(report_, to);
  ASSERT_EQ(files.size(), 4u);
  EXPECT_TRUE(
      fs::exists(to / ".tunebench-report"));  // the mark that lets a later report replace it
  write_file_atomically(to / "index.html", "stale");
  write_report_folder(report_, to);
  EXPECT_NE(read_file(to / "index.html"), "stale");
  // A folder written before the mark existed holds exactly the four report files: replaced.
  fs::remove(to / ".tunebench-report");
  write_report_folder(report_, to);
  EXPECT_TRUE(fs::exists(to / ".tunebench-report"));
}

TEST_F(WriteReportFolder, RefusesWhatItDidNotWriteAndTouchesNothing) {
  const fs::path mine = dir_.path() / "mine", notes = dir_.path() / "notes.txt",
                 empty = dir_.path() / "empty", marked = dir_.path() / "marked",
                 partial = dir_.path() / "partial", link = dir_.path() / "link";
  fs::create_directories(mine);
  write_file_atomically(mine / "index.html", "my page");
  write_file_atomically(mine / "thesis.tex", "my thesis");
  write_file_atomically(notes, "my notes");
  fs::create_directories(empty);
  write_report_folder(report_, marked);
  write_file_atomically(marked / "comments.txt", "added by hand");
  fs::create_directories(partial);  // two of the four report files and no mark
  write_file_atomically(partial / "index.html", "?");
  write_file_atomically(partial / "report.md", "?");
  fs::create_directory_symlink(marked, link);
  const std::map<std::string, std::string> refusals = {
      {mine.string(), "holds thesis.tex"},
      {mine.string() + "/", "holds thesis.tex"},
      {notes.string(), "is a file"},
      {dir_.path().string(), "holds "},  // the output folder: the store, runs, other reports
      {empty.string(), "is a folder tunebench did not write"},
      {marked.string(), "holds comments.txt"},
      {partial.string(), "is not marked as a tunebench report folder"},
      {link.string(), "is a symbolic link"},
  };
  const auto before = everything();
  for (const auto& [to, why] : refusals) {
    try {
      write_report_folder(report_, to);
      ADD_FAILURE() << to << " was replaced";
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("tunebench report --to NEW_FOLDER"), std::string::npos)
          << e.what();
    }
    EXPECT_TRUE(everything() == before) << to << " was changed";
  }
}

// Folders beside the target with the names an earlier version used for its staging
// ("<name>.tmp.<pid>", "<name>.old.<pid>") may be anyone's: a report never removes them.
TEST_F(WriteReportFolder, NeverRemovesAFolderBesideTheTarget) {
  const fs::path to = dir_.path() / "r";
  const std::string pid = std::to_string(::getpid());
  for (const std::string what : {".tmp.", ".old."}) {
    fs::create_directories(dir_.path() / ("r" + what + pid));
    write_file_atomically(dir_.path() / ("r" + what + pid) / "keep.txt", "mine");
  }
  write_report_folder(report_, to);
  write_report_folder(report_, to);  // the second one swaps the first aside
  const auto after = everything();
  EXPECT_EQ(after.at("r.tmp." + pid + "/keep.txt"), "mine");
  EXPECT_EQ(after.at("r.old." + pid + "/keep.txt"), "mine");
  for (const auto& [path, contents] : after) {
    const bool report = path.rfind("r/", 0) == 0 || path == "r";
    const bool kept = path.rfind("r.tmp." + pid, 0) == 0 || path.rfind("r.old." + pid, 0) == 0;
    EXPECT_TRUE(report || kept || path.find("tunebench.sqlite") == 0) << path << " left behind";
  }
}

TEST_F(WriteReportFolder, APlaceThatCannotHoldAFolderIsAUserError) {
  write_file_atomically(dir_.path() / "notes.txt", "my notes");
  EXPECT_THROW(write_report_folder(report_, dir_.path() / "notes.txt" / "r"), UserError);
  EXPECT_EQ(read_file(dir_.path() / "notes.txt"), "my notes");
}

}  // namespace
}  // namespace tb
